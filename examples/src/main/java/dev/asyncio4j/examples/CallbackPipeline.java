package dev.asyncio4j.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The "callback hell" problem: the seed's {@code legacy_system} program (section "1. callback vs
 * async/await"), four dependent steps written as callbacks nested inside callbacks.
 *
 * <pre>{@code
 * Fetching user...
 * Got user Alice. Fetching orders...
 * Got 2 orders. Calculating total...
 * Total is $80. Saving log...
 * >>> Flow Complete!
 * }</pre>
 *
 * <p>Every step needs the result of the one before, so each level of the flow sits one lambda
 * deeper, and an error would have to be handled at every level. This program does not use
 * asyncio4j at all: the seed's mock functions call their callback at once, on the caller's thread.
 * {@link AwaitPipeline} is the same flow written with {@code await}.
 */
public final class CallbackPipeline {
    private CallbackPipeline() {
    }

    record User(int id, String name) {
    }

    record Order(int id, int p) {
    }

    /**
     * Runs the program with the seed's output on standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out, Duration.ofSeconds(1));
    }

    /**
     * Runs the program.
     *
     * @param out  where to print
     * @param unit unused: the seed's callbacks do not wait for anything
     */
    public static void run(PrintStream out, Duration unit) {
        legacySystem(out);
    }

    static void legacySystem(PrintStream out) {
        // Level 1: Get User
        out.println("Fetching user...");
        getUserDb(101, user -> {
            // Level 2: Get Orders (using user.id())
            out.println("Got user " + user.name() + ". Fetching orders...");
            getOrdersDb(user.id(), orders -> {
                // Level 3: Calculate Price
                out.println("Got " + orders.size() + " orders. Calculating total...");
                calculateTotal(orders, total -> {
                    // Level 4: Save Log
                    out.println("Total is $" + total + ". Saving log...");
                    saveLog("User " + user.id() + " spent $" + total, () ->
                            // Level 5: Final Completion
                            out.println(">>> Flow Complete!"));
                });
            });
        });
    }

    // --- Mock functions to make the code runnable ---

    static void getUserDb(int id, Consumer<User> cb) {
        cb.accept(new User(id, "Alice"));
    }

    static void getOrdersDb(int uid, Consumer<List<Order>> cb) {
        cb.accept(List.of(new Order(1, 50), new Order(2, 30)));
    }

    static void calculateTotal(List<Order> orders, IntConsumer cb) {
        cb.accept(orders.stream().mapToInt(Order::p).sum());
    }

    static void saveLog(String msg, Runnable cb) {
        cb.run();
    }
}

package dev.asyncio4j.examples;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Future;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * How async/await solves callback hell: the seed's {@code modern_system} program (section
 * "1. callback vs async/await"), the flow of {@link CallbackPipeline} written top to bottom with
 * {@code await} and one error handler for all four steps.
 *
 * <pre>{@code
 * User user = await(db.getUserDb(101));           // user = await get_user_db(101)
 * List<Order> orders = await(db.getOrdersDb(user.id()));
 * }</pre>
 *
 * <p>The program runs twice: once as in the seed, printing the same five lines as
 * {@link CallbackPipeline}, and once with a {@code getOrdersDb} that fails, to show the single
 * {@code catch} receiving the failure of a step it did not name; the steps after it never run.
 *
 * <p>The mocks return awaitables, as the seed's comment says: each one is a {@link Future} (here a
 * task) that the flow awaits. A method that awaits needs no wrapper in asyncio4j, so the mocks
 * could as well be plain methods returning the value ({@code User user = getUserDb(101);} is then
 * Python's {@code await get_user_db(101)}); returning futures keeps every {@code await} visible.
 */
public final class AwaitPipeline {
    private AwaitPipeline() {
    }

    record User(int id, String name) {
    }

    record Order(int id, int p) {
    }

    /**
     * Runs the program on standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out, Duration.ofSeconds(1));
    }

    /**
     * Runs the flow with working mocks, then with a failing {@code getOrdersDb}.
     *
     * @param out  where to print
     * @param unit unused: the seed's mocks do not wait for anything
     */
    public static void run(PrintStream out, Duration unit) {
        Asyncio.run(() -> modernSystem(out, new Mocks()));
        out.println("-- again, with a get_orders_db that fails:");
        Asyncio.run(() -> modernSystem(out, new OrdersDbDown()));
    }

    static Void modernSystem(PrintStream out, Mocks db) {
        try {
            // Step 1: Wait for User
            out.println("Fetching user...");
            User user = await(db.getUserDb(101));

            // Step 2: Wait for Orders
            out.println("Got user " + user.name() + ". Fetching orders...");
            List<Order> orders = await(db.getOrdersDb(user.id()));

            // Step 3: Wait for Total
            out.println("Got " + orders.size() + " orders. Calculating total...");
            int total = await(db.calculateTotal(orders));

            // Step 4: Wait for Log
            out.println("Total is $" + total + ". Saving log...");
            await(db.saveLog("User " + user.id() + " spent $" + total));

            out.println(">>> Flow Complete!");
        } catch (Exception e) {
            // ONE error handler for all four steps!
            out.println("An error occurred somewhere in the chain: " + e.getMessage());
        }
        return null;
    }

    // --- Modern Mock functions (Returning Awaitables) ---

    static class Mocks {
        Future<User> getUserDb(int id) {
            return createTask(() -> new User(id, "Alice"));
        }

        Future<List<Order>> getOrdersDb(int uid) {
            return createTask(() -> List.of(new Order(1, 50), new Order(2, 30)));
        }

        Future<Integer> calculateTotal(List<Order> orders) {
            return createTask(() -> orders.stream().mapToInt(Order::p).sum());
        }

        Future<Void> saveLog(String msg) {
            return createTask(() -> null);
        }
    }

    /** The same mocks, except that the orders database cannot be reached. */
    static final class OrdersDbDown extends Mocks {
        @Override
        Future<List<Order>> getOrdersDb(int uid) {
            return createTask(() -> {
                throw new IOException("orders database unreachable while fetching orders of user " + uid);
            });
        }
    }
}

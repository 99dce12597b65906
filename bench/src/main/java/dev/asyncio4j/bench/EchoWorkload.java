package dev.asyncio4j.bench;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.openConnection;
import static dev.asyncio4j.Asyncio.startServer;

import dev.asyncio4j.IncompleteReadError;
import dev.asyncio4j.Server;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code echo} workload of {@code ../shared/peers/python/README.md}: TCP echo over loopback with
 * streams, C clients and the server on one loop. The server loops {@code readexactly(64)},
 * {@code write}, {@code drain} until EOF; each client connects, does N/C round trips of
 * {@code write(64 bytes)}, {@code drain()}, {@code readexactly(64)} (the reply checked), then closes
 * and waits for the close. Server start-up is not timed; connects, round trips and closes are.
 */
final class EchoWorkload {
    /** The peers' message size. */
    static final int MESSAGE = 64;
    /** The peers' default client count. */
    static final int CLIENTS = 50;

    private EchoWorkload() {
    }

    /**
     * Runs the workload in the calling task.
     *
     * @param requested round trips, rounded down to a multiple of {@code clients}
     * @param clients   concurrent client connections
     * @return the measurement, with a {@code clients} extra
     * @throws IOException if the server cannot listen or a client cannot connect
     */
    static Measured echo(int requested, int clients) throws IOException {
        int perClient = requested / clients;
        int n = perClient * clients;
        byte[] msg = new byte[MESSAGE];
        Arrays.fill(msg, (byte) 'x');
        Server server = startServer((reader, writer) -> {
            try {
                while (true) {
                    writer.write(reader.readexactly(MESSAGE));
                    writer.drain();
                }
            } catch (IncompleteReadError eof) {
                // the client closed
            } finally {
                writer.close();
            }
        }, "127.0.0.1", 0);
        int port = server.port();
        Meter meter = Meter.start();
        List<Task<Void>> tasks = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            tasks.add(createTask(() -> {
                var conn = openConnection("127.0.0.1", port);
                for (int i = 0; i < perClient; i++) {
                    conn.writer().write(msg);
                    conn.writer().drain();
                    if (!Arrays.equals(conn.reader().readexactly(MESSAGE), msg)) {
                        throw new IllegalStateException("echo: bad reply");
                    }
                }
                conn.writer().close();
                conn.writer().waitClosed();
                return null;
            }));
        }
        await(gather(tasks));
        Measured measured = meter.stop(n);
        server.close();
        server.waitClosed();
        return measured.with("clients", clients, 0);
    }
}

package dev.asyncio4j.bench;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.openConnection;
import static dev.asyncio4j.Asyncio.startServer;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.IncompleteReadError;
import dev.asyncio4j.NetOptions;
import dev.asyncio4j.Server;
import dev.asyncio4j.StreamPair;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 4's limit check: N connections open at once on one loop. The server runs in another process
 * ({@code server PORTFILE}), because one process holding both ends of 10,000 connections needs 20,000
 * descriptors, the whole of this machine's limit; the client ({@code client PORT N}) opens N
 * connections from one loop, and only when all are open does every one of them do a 64-byte round
 * trip, all at once. It prints one JSON line: the time to open them, the time of the round trips with
 * all open, and the client's peak RSS. Run by {@code scripts/bench-connections}.
 */
public final class Connections {
    private static final int MESSAGE = 64;

    private Connections() {
    }

    /**
     * Runs the server or the client side.
     *
     * @param args {@code server PORTFILE} or {@code client PORT N}
     */
    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("server")) {
            Asyncio.run(() -> serve(Path.of(args[1])));
        } else if (args.length == 3 && args[0].equals("client")) {
            System.out.println(Asyncio.run(() -> client(Integer.parseInt(args[1]), Integer.parseInt(args[2]))));
        } else {
            System.err.println("usage: Connections server PORTFILE | client PORT N");
            System.exit(2);
        }
    }

    private static Void serve(Path portFile) throws IOException {
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
        }, "127.0.0.1", 0, NetOptions.defaults().withBacklog(4096));
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.port()), StandardCharsets.US_ASCII);
        Files.move(tmp, portFile);
        server.serveForever();
        return null;
    }

    private static String client(int port, int n) throws Exception {
        byte[] msg = new byte[MESSAGE];
        long t0 = System.nanoTime();
        List<StreamPair> open = new ArrayList<>(n);
        try {
            // 500 connects in flight at a time: more only overflows the listen queue.
            for (int i = 0; i < n; i += 500) {
                List<Task<StreamPair>> batch = new ArrayList<>();
                for (int j = i; j < Math.min(n, i + 500); j++) {
                    batch.add(createTask(() -> openConnection("127.0.0.1", port)));
                }
                open.addAll(await(gather(batch)));
            }
            long t1 = System.nanoTime();
            List<Task<Void>> trips = new ArrayList<>(n);
            for (StreamPair c : open) {
                trips.add(createTask(() -> {
                    c.writer().write(msg);
                    c.writer().drain();
                    if (c.reader().readexactly(MESSAGE).length != MESSAGE) {
                        throw new IllegalStateException("short echo");
                    }
                    return null;
                }));
            }
            await(gather(trips));
            long t2 = System.nanoTime();
            return String.format(Locale.ROOT,
                    "{\"system\": \"asyncio4j\", \"workload\": \"connections\", \"n\": %d, \"open_s\": %.3f,"
                            + " \"round_trips_s\": %.3f, \"seconds\": %.3f, \"peak_rss_mb\": %.1f}",
                    n, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9, Machine.peakRssMb());
        } finally {
            for (StreamPair c : open) {
                c.close();
            }
        }
    }
}

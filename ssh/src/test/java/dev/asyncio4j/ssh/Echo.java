package dev.asyncio4j.ssh;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Server;
import dev.asyncio4j.StreamPair;
import java.io.IOException;
import java.util.Arrays;

/** An echo server on 127.0.0.1 and a round trip through it, for the forwarding tests. */
final class Echo {
    private Echo() {
    }

    /**
     * Starts a server that echoes each connection until EOF, then closes it.
     *
     * @return the server (the caller closes it)
     */
    static Server start() throws IOException {
        return Asyncio.startServer((r, w) -> {
            for (byte[] chunk; (chunk = r.read(65536)).length > 0;) {
                w.write(chunk);
                w.drain();
            }
            w.close();
        }, "127.0.0.1", 0);
    }

    /**
     * Sends the data and reads as many bytes back, then closes the connection. (No half-close: MINA's
     * forwarding closes the whole channel on EOF from either socket.)
     *
     * @return whether what came back is what was sent
     */
    static boolean roundTrip(StreamPair s, byte[] data) throws IOException {
        try (s) {
            var reader = Asyncio.createTask(() -> s.reader().readexactly(data.length));
            s.writer().write(data);
            s.writer().drain();
            return Arrays.equals(Asyncio.await(reader), data);
        }
    }
}

package dev.asyncio4j;

import java.io.IOException;
import java.nio.file.Path;

/* The stream-level openers behind Asyncio's openConnection/startServer family. */
final class Streams {
    private Streams() {
    }

    static StreamPair open(NetOptions options, Opener opener) throws IOException {
        StreamReader reader = new StreamReader(options.limit());
        StreamProtocol protocol = new StreamProtocol(reader);
        Transport transport = opener.open(() -> protocol);
        return new StreamPair(reader, new StreamWriter(transport, protocol, reader));
    }

    static StreamPair openTcp(String host, int port, NetOptions options) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        return open(options, f -> loop.createConnection(f, host, port, options));
    }

    static StreamPair openUnix(Path path, NetOptions options) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        return open(options, f -> loop.createUnixConnection(f, path, options));
    }

    static Server serveTcp(Server.ClientConnected handler, String host, int port, NetOptions options)
            throws IOException {
        return Asyncio.getRunningLoop().createServer(perConnection(handler, options), host, port, options);
    }

    static Server serveUnix(Server.ClientConnected handler, Path path, NetOptions options) throws IOException {
        return Asyncio.getRunningLoop().createUnixServer(perConnection(handler, options), path, options);
    }

    /* A server's protocol factory: each connection gets its own reader and runs the handler in a task. */
    private static java.util.function.Supplier<Protocol> perConnection(Server.ClientConnected handler,
                                                                       NetOptions options) {
        return () -> new StreamProtocol(new StreamReader(options.limit()), handler);
    }

    @FunctionalInterface
    interface Opener {
        Transport open(java.util.function.Supplier<Protocol> factory) throws IOException;
    }
}

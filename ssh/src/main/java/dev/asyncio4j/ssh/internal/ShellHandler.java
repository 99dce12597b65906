package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.StreamReader;
import dev.asyncio4j.StreamWriter;
import dev.asyncio4j.Subprocess;
import dev.asyncio4j.SubprocessOptions;
import dev.asyncio4j.Task;
import dev.asyncio4j.ssh.SSHServerHandler;
import dev.asyncio4j.ssh.SSHServerProcess;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's default handler: {@code /bin/sh -c command} as a core subprocess with the JVM's
 * environment plus the client's variables, its stdin, stdout and stderr copied to and from the channel
 * with flow control both ways, its exit status sent back (128 + n for a death by signal n, as sh reports
 * it). A client that closes the channel gets the child killed.
 */
final class ShellHandler implements SSHServerHandler {
    static final ShellHandler INSTANCE = new ShellHandler();

    private ShellHandler() {
    }

    @Override
    public void handle(SSHServerProcess p) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(p.env());
        Subprocess child = Asyncio.createSubprocessExec(List.of("/bin/sh", "-c", p.command()),
                SubprocessOptions.pipes().withEnv(env));
        try {
            Task<Void> input = Asyncio.createTask(() -> copy(p.stdin(), child.stdin(), true));
            Asyncio.await(Asyncio.gather(Asyncio.createTask(() -> copy(child.stdout(), p.stdout(), false)),
                    Asyncio.createTask(() -> copy(child.stderr(), p.stderr(), false))));
            int rc = child.waitExit();
            input.cancel();
            p.exit(rc >= 0 ? rc : 128 - rc);
        } finally {
            child.close();
        }
    }

    private static Void copy(StreamReader from, StreamWriter to, boolean eof) throws IOException {
        byte[] chunk;
        while ((chunk = from.read(64 * 1024)).length > 0) {
            to.write(chunk);
            to.drain();
        }
        if (eof) {
            to.writeEof();
        }
        return null;
    }
}

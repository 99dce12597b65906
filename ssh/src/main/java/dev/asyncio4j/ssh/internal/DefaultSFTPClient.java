package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.ssh.SFTPAttrs;
import dev.asyncio4j.ssh.SFTPClient;
import dev.asyncio4j.ssh.SFTPCopyOptions;
import dev.asyncio4j.ssh.SFTPError;
import dev.asyncio4j.ssh.SSHException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * {@link SFTPClient} on MINA's blocking {@link SftpClient}.
 *
 * <p>Every MINA call runs on the loop's default executor. Short requests use {@link Asyncio#toThread};
 * a request that holds resources (opening the session, a copy) runs through {@link Blocking#uncancellable},
 * which on cancellation tells the job to stop and waits for it to clean up before the cancellation propagates.
 */
final class DefaultSFTPClient implements SFTPClient {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final SftpClient client;
    private final SftpOps ops;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EventLoop loop = Asyncio.getRunningLoop();

    private DefaultSFTPClient(SftpClient client, Runnable release) {
        this.client = client;
        this.ops = new SftpOps(client);
        this.release = release;
    }

    /**
     * Opens the sftp subsystem on a session; {@code release} runs once when the client closes (or if it
     * cannot be opened).
     */
    static SFTPClient open(ClientSession session, String host, Runnable release) throws IOException {
        boolean ok = false;
        try {
            SftpClient client = Blocking.uncancellable(() -> SftpClientFactory.instance().createSftpClient(session),
                    () -> { }, SftpClient::close);
            ok = true;
            return new DefaultSFTPClient(client, release);
        } catch (Exception e) {
            // Asyncio.await rethrows the job's IOException as it is, undeclared
            if (e instanceof IOException io && !(e instanceof SSHException)) {
                throw new SFTPError(SFTPError.FAILURE, "", "cannot start an SFTP session on " + host + ": " + io.getMessage(), io);
            }
            throw e;
        } finally {
            if (!ok) {
                release.run();
            }
        }
    }

    private static <T> T call(Callable<T> request) {
        return Asyncio.toThread(request);
    }

    @Override
    public void get(String remotePath, Path localPath, SFTPCopyOptions options) throws IOException {
        copy(new SftpCopy(client, ops, options, Asyncio.getRunningLoop()), copy -> copy.get(remotePath, localPath));
    }

    @Override
    public void put(Path localPath, String remotePath, SFTPCopyOptions options) throws IOException {
        copy(new SftpCopy(client, ops, options, Asyncio.getRunningLoop()), copy -> copy.put(localPath, remotePath));
    }

    private interface CopyJob {
        void run(SftpCopy copy) throws IOException;
    }

    private static void copy(SftpCopy copy, CopyJob job) {
        Blocking.uncancellable(() -> {
            job.run(copy);
            return null;
        }, copy::cancel, ignored -> { });
    }

    @Override
    public List<String> listdir(String path) {
        return call(() -> ops.listdir(path));
    }

    @Override
    public SFTPAttrs stat(String path) {
        return call(() -> SftpOps.attrs(ops.run("stat", path, () -> client.stat(path))));
    }

    @Override
    public SFTPAttrs lstat(String path) {
        return call(() -> SftpOps.attrs(ops.run("lstat", path, () -> client.lstat(path))));
    }

    @Override
    public boolean exists(String path) {
        return call(() -> ops.exists(path));
    }

    @Override
    public void mkdir(String path) {
        call(() -> ops.run("mkdir", path, () -> {
            client.mkdir(path);
            return null;
        }));
    }

    @Override
    public void makedirs(String path) {
        call(() -> {
            ops.makedirs(path);
            return null;
        });
    }

    @Override
    public void remove(String path) {
        call(() -> ops.run("remove", path, () -> {
            client.remove(path);
            return null;
        }));
    }

    @Override
    public void rmdir(String path) {
        call(() -> ops.run("rmdir", path, () -> {
            client.rmdir(path);
            return null;
        }));
    }

    @Override
    public void rename(String oldPath, String newPath) {
        call(() -> ops.rename(oldPath, newPath));
    }

    @Override
    public List<String> glob(String pattern) {
        return call(() -> SftpGlob.glob(ops, pattern));
    }

    /**
     * Ends the session as OpenSSH's sftp does: EOF first, so the server's sftp-server exits and the
     * server closes the channel once it has reaped it; the slot is freed when the channel has closed.
     * (Dropbear 2022.83 loses a channel opened while an exited child is still unreaped, see
     * ServerCompat, so closing the channel from here and opening the next at once broke that one.) A
     * server that has not closed the channel within CLOSE_WAIT has it closed from here.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ClientChannel channel = client.getClientChannel();
        channel.addCloseFutureListener(f -> LoopPost.post(loop, release));
        channel.getAsyncIn().close(false);
        LoopPost.post(loop, () -> loop.callLater(CLOSE_WAIT, () -> channel.close(true)));
    }

    @Override
    public String toString() {
        return "SFTPClient[" + client.getSession() + (closed.get() ? ", closed" : "") + "]";
    }
}

package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.ssh.SSHServer;
import dev.asyncio4j.ssh.SSHServerHandler;
import dev.asyncio4j.ssh.SSHServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;

/**
 * {@code SSH.listen}: a MINA {@link SshServer} per call, exec-only (no shell, no subsystems, no
 * forwarding), whose commands are {@link ServerCommand}s running on the calling task's loop.
 */
public final class DefaultSSHServer implements SSHServer {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final SshServer sshd;
    private final String host;
    private final int port;
    private final PublicKey hostKey;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private DefaultSSHServer(SshServer sshd, String host, PublicKey hostKey) {
        this.sshd = sshd;
        this.host = host;
        this.port = sshd.getPort();
        this.hostKey = hostKey;
        sshd.addCloseFutureListener(f -> closed.complete(null));
    }

    /**
     * Starts a server from the current task.
     *
     * @param options the options
     * @return the listening server
     * @throws IOException if a key file cannot be read or the address cannot be bound
     */
    public static SSHServer listen(SSHServerOptions options) throws IOException {
        if (options.authorizedKeys() == null && options.password() == null) {
            throw new IllegalArgumentException("SSHServerOptions needs authorizedKeys(...) or password(...): "
                    + "a server nobody can log in to is useless");
        }
        EventLoop loop = Asyncio.getRunningLoop();
        SSHServerHandler handler = options.handler() != null ? options.handler() : ShellHandler.INSTANCE;
        return Asyncio.toThread(() -> start(options, loop, handler));
    }

    /** Blocking part: key files, then binding. */
    private static SSHServer start(SSHServerOptions o, EventLoop loop, SSHServerHandler handler) throws IOException {
        KeyPair key = o.hostKey() != null ? loadHostKey(o.hostKey()) : generateHostKey();
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(o.host());
        sshd.setPort(o.port());
        sshd.setKeyPairProvider(KeyPairProvider.wrap(key));
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        sshd.setKeyboardInteractiveAuthenticator(null);
        if (o.authorizedKeys() != null) {
            sshd.setPublickeyAuthenticator(new KeySetPublickeyAuthenticator(o.authorizedKeys(),
                    authorizedKeys(o.authorizedKeys())));
        } else {
            sshd.setPublickeyAuthenticator(null);
        }
        if (o.password() != null) {
            byte[] expected = digest(o.password());
            String user = o.username();
            sshd.setPasswordAuthenticator((u, pw, session) ->
                    MessageDigest.isEqual(expected, digest(pw)) & user.equals(u));
        } else {
            sshd.setPasswordAuthenticator(null);
        }
        sshd.setCommandFactory((channel, command) -> new ServerCommand(loop, command, handler));
        try {
            sshd.start();
        } catch (IOException | RuntimeException e) {
            sshd.close(true);
            throw new IOException("cannot listen on " + o.host() + ":" + o.port() + ": " + e.getMessage(), e);
        }
        String bound = sshd.getBoundAddresses().stream().findFirst()
                .map(a -> ((InetSocketAddress) a).getAddress().getHostAddress()).orElse(o.host());
        return new DefaultSSHServer(sshd, bound, key.getPublic());
    }

    private static byte[] digest(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static KeyPair generateHostKey() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an ECDSA host key: " + e.getMessage(), e);
        }
    }

    private static KeyPair loadHostKey(Path file) throws IOException {
        try {
            Iterator<KeyPair> keys = new FileKeyPairProvider(file).loadKeys(null).iterator();
            if (keys.hasNext()) {
                return keys.next();
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot load host key " + file + " (it must be an unencrypted private key): "
                    + e.getMessage(), e);
        }
        throw new IOException("host key file " + file + " holds no private key");
    }

    private static List<PublicKey> authorizedKeys(Path file) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        try {
            for (AuthorizedKeyEntry e : AuthorizedKeyEntry.readAuthorizedKeys(file)) {
                keys.add(e.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot read authorized keys " + file + ": " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new IOException("authorized keys file " + file + " lists no key");
        }
        return keys;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public PublicKey hostKey() {
        return hostKey;
    }

    @Override
    public String knownHostsLine() {
        return "[" + host + "]:" + port + " " + PublicKeyEntry.toString(hostKey);
    }

    @Override
    public Future<Void> waitClosed() {
        return Future.from(closed);
    }

    @Override
    public void close() {
        MinaFutures.closeGracefully(sshd, CLOSE_WAIT);
    }

    @Override
    public String toString() {
        return "SSHServer[" + host + ":" + port + (sshd.isClosed() ? ", closed" : "") + "]";
    }
}

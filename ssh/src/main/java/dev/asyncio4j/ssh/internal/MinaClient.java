package dev.asyncio4j.ssh.internal;

import java.io.IOException;
import jdk.net.ExtendedSocketOptions;
import org.apache.sshd.common.io.nio2.Nio2Session;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.global.AbstractOpenSshHostKeysHandler;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/**
 * The process-wide MINA {@link SshClient}, started on first use, with every MINA default that would
 * weaken security or read files behind our back replaced: the server key verifier and the agent are
 * per-connection objects found through the connection context ({@link #CONTEXT}); with none, every
 * host key is refused. No ~/.ssh/config resolution, no default key files, no key passwords from MINA.
 * TCP_NODELAY is on (MINA leaves it off, which costs delayed-ACK waits on every exchange). MINA's
 * ten-minute idle timeout is off: as with OpenSSH's ssh, an idle connection stays up until the server or
 * the network drops it, and keepalive ({@link Context#keepalive}) is how a dead network is noticed.
 *
 * <p>Algorithm preferences differ from MINA's in two ways, both measured with {@code ssh-fanout}.
 * Key exchange: the hybrid post-quantum {@code mlkem768x25519-sha256} first (cheap), then
 * {@code curve25519-sha256}; {@code sntrup761x25519-sha512} comes after the elliptic-curve methods because
 * BouncyCastle's pure-Java Streamlined NTRU Prime key generation costs ~20 ms of CPU per connection (more
 * than the rest of a session together); asyncssh without liboqs makes the same choice. Host keys: as
 * OpenSSH does, the types known_hosts already holds for the destination are asked for first, so a host
 * known by its RSA key is not refused because it offered Ed25519; then Ed25519 (cheapest to verify),
 * ECDSA, RSA; host certificates first for a host a {@code @cert-authority} line names, last otherwise.
 * The server's unsolicited {@code hostkeys-00@openssh.com} announcement (every host key, parsed by MINA
 * on each login and then unused) is not handled.
 *
 * <p>Ciphers: {@code aes128-gcm@openssh.com}, then {@code aes256-gcm@openssh.com}, then MINA's order (so
 * {@code chacha20-poly1305@openssh.com} is still offered, next). MINA's ChaCha20-Poly1305 is pure Java,
 * while the JDK's AES-GCM runs on AES and carry-less-multiply instructions (intrinsics on x86-64 and
 * AArch64). Measured with {@code ssh-cat} ({@code dev.asyncio4j.bench.SshCat --cipher NAME --bytes
 * 536870912}: 512 MiB through {@code cat} on the OpenSSH 9.2 of {@code scripts/sshd-env}, 2 cores, loaded),
 * the client's CPU per MB was 11.5 to 13.8 ms with AES-GCM against 22.5 with ChaCha20 (25 to 27 in 256 MiB
 * runs), and throughput 64 to 94 MB/s against 44; {@code aes128-ctr} with {@code hmac-sha2-256-etm} was
 * between (14.6 ms/MB, 85 MB/s). On a CPU without AES instructions ChaCha20 would be the faster one.
 */
public final class MinaClient {
    /**
     * Per-connection settings MINA's callbacks need, attached when connecting.
     *
     * @param verifier      decides on the server's host key
     * @param agentSocket   the agent to use, or {@code null}
     * @param knownKeyTypes the host key types known_hosts holds for this destination (offered first)
     * @param keepalive     the keepalive interval, or {@code null} for none
     * @param keepaliveMax  unanswered keepalives tolerated
     */
    public record Context(HostKeyVerifier verifier, Path agentSocket, Set<String> knownKeyTypes, Duration keepalive,
            int keepaliveMax) {
    }

    /** The connection-context key under which {@link Context} is stored. */
    public static final AttributeKey<Context> CONTEXT = new AttributeKey<>();

    private static SshClient client;

    private MinaClient() {
    }

    /**
     * Returns the started client.
     *
     * @return the shared client
     */
    public static synchronized SshClient get() {
        if (client == null) {
            SshClient c = SshClient.setUpDefaultClient();
            c.setServerKeyVerifier(MinaClient::verify);
            c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
            c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            c.setFilePasswordProvider(FilePasswordProvider.EMPTY);
            c.setAgentFactory(new AgentFactory());
            c.setForwardingFilter(ForwardingFilter.asForwardingFilter(RejectAllForwardingFilter.INSTANCE,
                    RejectAllForwardingFilter.INSTANCE, new RemoteForwardsOnly()));
            c.setForwarderFactory(RemoteForwarder::new);
            CoreModuleProperties.TCP_NODELAY.set(c, true);
            CoreModuleProperties.IDLE_TIMEOUT.set(c, Duration.ZERO);
            List<KeyExchangeFactory> kex = new ArrayList<>(c.getKeyExchangeFactories());
            kex.sort(Comparator.comparingInt(f -> kexRank(f.getName())));
            c.setKeyExchangeFactories(kex);
            List<NamedFactory<Cipher>> ciphers = new ArrayList<>(c.getCipherFactories());
            ciphers.sort(Comparator.comparingInt(f -> cipherRank(f.getName())));
            c.setCipherFactories(ciphers);
            List<RequestHandler<ConnectionService>> global = new ArrayList<>(c.getGlobalRequestHandlers());
            global.removeIf(h -> h instanceof AbstractOpenSshHostKeysHandler);
            c.setGlobalRequestHandlers(global);
            c.addSessionListener(new SessionListener() {
                @Override
                public void sessionEvent(Session session, Event event) {
                    quickAck(session);
                }

                @Override
                public void sessionEstablished(Session session) {
                    quickAck(session);
                    Context ctx = context(session);
                    if (ctx != null && ctx.keepalive() != null) {
                        keepalive(session, ctx.keepalive(), ctx.keepaliveMax());
                    }
                    if (ctx != null && session instanceof ClientSession cs) {
                        List<NamedFactory<Signature>> sigs = new ArrayList<>(c.getSignatureFactories());
                        sigs.sort(Comparator.comparingInt(f -> hostKeyRank(f.getName(), ctx.knownKeyTypes())));
                        cs.setSignatureFactories(sigs);
                    }
                }
            });
            c.start();
            client = c;
        }
        return client;
    }

    /**
     * Turns on MINA's client heartbeat for one session, as OpenSSH's ServerAliveInterval /
     * ServerAliveCountMax: every {@code interval} a {@code keepalive@openssh.com} global request with
     * want-reply (the server answers any request, known or not); any reply resets the count, and when
     * {@code max} have gone unanswered the next tick fails the session ({@link SessionLoss} names that
     * failure). MINA reads these settings when it builds the session's connection service, inside the
     * session's constructor, so they must be set from {@code sessionEstablished}, not on the finished
     * session (where they were silently ignored).
     */
    private static void keepalive(Session session, Duration interval, int max) {
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, interval);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(session, max);
        CoreModuleProperties.HEARTBEAT_REQUEST.set(session, "keepalive@openssh.com");
    }

    /**
     * Puts the connection's socket in quick-ACK mode (Linux). Before a session is interactive, sshd
     * sends without TCP_NODELAY, so when it writes two small packets in a row the second waits for our
     * ACK of the first, which the kernel delays by 40 ms when we have nothing to send: measured twice
     * per login-and-run against OpenSSH 9.2. Where the option is missing this does nothing.
     */
    private static void quickAck(Session session) {
        if (session.getIoSession() instanceof Nio2Session io) {
            try {
                io.getSocket().setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            } catch (IOException | UnsupportedOperationException e) {
                // not Linux, or the socket is already closed: only latency is at stake
            }
        }
    }

    /** Key exchange preference: lower first; MINA's order is kept within a rank. */
    static int kexRank(String name) {
        if (name.startsWith("mlkem768x25519")) {
            return 0;
        }
        if (name.startsWith("curve25519")) {
            return 1;
        }
        if (name.startsWith("sntrup")) {
            return 3;
        }
        return name.startsWith("diffie-hellman") ? 4 : 2;
    }

    /** Cipher preference: AES-GCM (AES-NI and carry-less multiply in the JDK) first; MINA's order after. */
    static int cipherRank(String name) {
        return switch (name) {
            case "aes128-gcm@openssh.com" -> 0;
            case "aes256-gcm@openssh.com" -> 1;
            default -> 2;
        };
    }

    /**
     * Host key algorithm preference: certificates first if a {@code @cert-authority} line names the host
     * (last otherwise), then types known for the host, then Ed25519, ECDSA, RSA.
     */
    static int hostKeyRank(String algorithm, Set<String> knownKeyTypes) {
        boolean cert = algorithm.contains("-cert-v01@");
        String keyType = algorithm.startsWith("rsa-sha2-") || algorithm.startsWith("ssh-rsa") ? "ssh-rsa"
                : cert ? algorithm.substring(0, algorithm.indexOf("-cert-v01@")) : algorithm;
        int rank = keyType.equals("ssh-ed25519") ? 0 : keyType.startsWith("ecdsa-") ? 1
                : keyType.equals("ssh-rsa") ? 2 : 3;
        if (cert) {
            rank += knownKeyTypes.contains(HostKeyVerifier.CERT_AUTHORITY) ? -20 : 10;
        } else if (knownKeyTypes.contains(keyType)) {
            rank -= 10;
        }
        return rank;
    }

    /**
     * Returns a connection context carrying {@code context}.
     *
     * @param context the per-connection settings
     * @return the attribute repository to pass to {@code connect}
     */
    public static AttributeRepository contextOf(Context context) {
        return AttributeRepository.ofKeyValuePair(CONTEXT, context);
    }

    private static Context context(Session session) {
        if (!(session instanceof ClientSession cs)) {
            return null;
        }
        // While the session is being constructed (sessionEstablished) only the I/O session has it.
        AttributeRepository repo = cs.getConnectionContext();
        if (repo == null && cs.getIoSession() != null
                && cs.getIoSession().getAttribute(AttributeRepository.class) instanceof AttributeRepository r) {
            repo = r;
        }
        return repo == null ? null : repo.getAttribute(CONTEXT);
    }

    private static boolean verify(ClientSession session, SocketAddress remote, PublicKey key) {
        Context ctx = context(session);
        return ctx != null && ctx.verifier().verifyServerKey(session, remote, key);
    }

    /**
     * Lets the server open "forwarded-tcpip" channels (for {@code forwardRemotePort}) and nothing else;
     * MINA connects such a channel only to the destination of a forward this session asked for.
     * Local listeners are bound only where the caller asked, so listening is allowed.
     */
    private static final class RemoteForwardsOnly implements TcpForwardingFilter {
        @Override
        public boolean canListen(SshdSocketAddress address, Session session) {
            return true;
        }

        @Override
        public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
            return type == Type.Forwarded;
        }
    }

    /** Hands MINA an {@link AgentClient} for connections that use an agent, and nothing otherwise. */
    private static final class AgentFactory implements SshAgentFactory {
        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return List.of();
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) {
            Context ctx = context(session);
            return ctx == null || ctx.agentSocket() == null ? null : new AgentClient(ctx.agentSocket());
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) throws IOException {
            throw new IOException("agent forwarding is not supported");
        }
    }
}

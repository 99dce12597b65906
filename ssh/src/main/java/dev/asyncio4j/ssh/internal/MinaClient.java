package dev.asyncio4j.ssh.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
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
 * TCP_NODELAY is on (MINA leaves it off, which costs delayed-ACK waits on every exchange).
 *
 * <p>Algorithm preferences differ from MINA's in two ways, both measured with {@code ssh-fanout}.
 * Key exchange: the hybrid post-quantum {@code mlkem768x25519-sha256} first (cheap), then
 * {@code curve25519-sha256}; {@code sntrup761x25519-sha512} comes after the elliptic-curve methods because
 * BouncyCastle's pure-Java Streamlined NTRU Prime key generation costs ~20 ms of CPU per connection (more
 * than the rest of a session together); asyncssh without liboqs makes the same choice. Host keys: as
 * OpenSSH does, the types known_hosts already holds for the destination are asked for first, so a host
 * known by its RSA key is not refused because it offered Ed25519; then Ed25519 (cheapest to verify),
 * ECDSA, RSA; certificates last. The server's unsolicited {@code hostkeys-00@openssh.com} announcement
 * (every host key, parsed by MINA on each login and then unused) is not handled.
 */
public final class MinaClient {
    /**
     * Per-connection settings MINA's callbacks need, attached when connecting.
     *
     * @param verifier      decides on the server's host key
     * @param agentSocket   the agent to use, or {@code null}
     * @param knownKeyTypes the host key types known_hosts holds for this destination (offered first)
     */
    public record Context(HostKeyVerifier verifier, Path agentSocket, Set<String> knownKeyTypes) {
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
            List<KeyExchangeFactory> kex = new ArrayList<>(c.getKeyExchangeFactories());
            kex.sort(Comparator.comparingInt(f -> kexRank(f.getName())));
            c.setKeyExchangeFactories(kex);
            List<RequestHandler<ConnectionService>> global = new ArrayList<>(c.getGlobalRequestHandlers());
            global.removeIf(h -> h instanceof AbstractOpenSshHostKeysHandler);
            c.setGlobalRequestHandlers(global);
            c.addSessionListener(new SessionListener() {
                @Override
                public void sessionEstablished(Session session) {
                    Context ctx = context(session);
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

    /** Host key algorithm preference: types known for the host, then Ed25519, ECDSA, RSA; certificates last. */
    static int hostKeyRank(String algorithm, Set<String> knownKeyTypes) {
        boolean cert = algorithm.contains("-cert-v01@");
        String keyType = algorithm.startsWith("rsa-sha2-") || algorithm.startsWith("ssh-rsa") ? "ssh-rsa"
                : cert ? algorithm.substring(0, algorithm.indexOf("-cert-v01@")) : algorithm;
        int rank = keyType.equals("ssh-ed25519") ? 0 : keyType.startsWith("ecdsa-") ? 1
                : keyType.equals("ssh-rsa") ? 2 : 3;
        if (cert) {
            rank += 10;
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

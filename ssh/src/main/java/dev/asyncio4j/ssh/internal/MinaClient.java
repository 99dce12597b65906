package dev.asyncio4j.ssh.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.FactoryManager;
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
 */
public final class MinaClient {
    /** Per-connection settings MINA's callbacks need, attached when connecting. */
    public record Context(HostKeyVerifier verifier, Path agentSocket) {
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
            CoreModuleProperties.TCP_NODELAY.set(c, true);
            c.start();
            client = c;
        }
        return client;
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
        if (session instanceof ClientSession cs && cs.getConnectionContext() != null) {
            return cs.getConnectionContext().getAttribute(CONTEXT);
        }
        return null;
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

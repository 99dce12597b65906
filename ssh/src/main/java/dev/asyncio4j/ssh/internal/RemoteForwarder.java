package dev.asyncio4j.ssh.internal;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.sshd.common.forward.DefaultForwarder;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * MINA's forwarder, also accepting the {@code forwarded-tcpip} opens of servers that name the port
 * that was asked for instead of the one they bound. asyncssh 2.10 answers a remote forward of port 0
 * with the port it bound, then opens each forwarded connection naming port 0 (OpenSSH and Dropbear
 * name the bound port); MINA found no forward for port 0 and refused every such connection. A port-0
 * open is matched to the one remote forward asked for with port 0; with several it stays refused,
 * since which one is meant cannot be known.
 */
final class RemoteForwarder extends DefaultForwarder {
    /** The bound ports of the remote forwards that were asked for with port 0. */
    private final Set<Integer> askedForAnyPort = new TreeSet<>();

    RemoteForwarder(ConnectionService service) {
        super(service);
    }

    @Override
    public synchronized SshdSocketAddress startRemotePortForwarding(SshdSocketAddress remote, SshdSocketAddress local)
            throws IOException {
        SshdSocketAddress bound = super.startRemotePortForwarding(remote, local);
        if (remote.getPort() == 0 && bound != null) {
            askedForAnyPort.add(bound.getPort());
        }
        return bound;
    }

    @Override
    public synchronized void stopRemotePortForwarding(SshdSocketAddress remote) throws IOException {
        askedForAnyPort.remove(remote.getPort());
        super.stopRemotePortForwarding(remote);
    }

    @Override
    public synchronized SshdSocketAddress getForwardedPort(int remotePort) {
        SshdSocketAddress local = super.getForwardedPort(remotePort);
        if (local == null && remotePort == 0 && askedForAnyPort.size() == 1) {
            return super.getForwardedPort(askedForAnyPort.iterator().next());
        }
        return local;
    }
}

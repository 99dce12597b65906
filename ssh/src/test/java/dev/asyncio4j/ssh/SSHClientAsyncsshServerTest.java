package dev.asyncio4j.ssh;

/**
 * The client against an asyncssh 2.10 server (the {@code asyncssh} instance of scripts/sshd-env,
 * scripts/asyncssh-server.py) with the cases of {@link RealServerContract}: another implementation's
 * channel close and exit-status ordering, its own SFTP server and forwarding.
 */
class SSHClientAsyncsshServerTest extends RealServerContract {
    @Override
    String instance() {
        return "asyncssh";
    }

    /** scripts/asyncssh-server.py runs every command on pipes, pty or not. */
    @Override
    boolean allocatesPty() {
        return false;
    }
}

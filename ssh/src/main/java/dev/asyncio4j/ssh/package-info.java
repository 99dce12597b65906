/**
 * An asyncssh-style SSH client on Apache MINA SSHD, awaitable from asyncio4j tasks: {@link dev.asyncio4j.ssh.SSH#connect}
 * gives an {@link dev.asyncio4j.ssh.SSHClientConnection} that runs commands, opens SFTP sessions
 * ({@link dev.asyncio4j.ssh.SFTPClient}) and forwards ports ({@link dev.asyncio4j.ssh.SSHForwardListener}).
 *
 * <p>Threads: no blocking MINA call runs on a loop thread. MINA's asynchronous futures and channel streams
 * complete on MINA's I/O threads and hand their results to the loop. MINA calls that only exist in blocking
 * form run on the loop's default executor ({@link dev.asyncio4j.EventLoop#runInExecutor}, as
 * {@link dev.asyncio4j.Asyncio#toThread} does): every SFTP request and transfer (MINA's SFTP client is
 * blocking), starting and stopping a port forward, and opening a connection through a jump host. A call that
 * acquires something there (an SFTP session, a copy, a listener) is not abandoned when its task is
 * cancelled: the task waits for it to stop and release what it acquired, then the cancellation propagates.
 *
 * <p>Errors: every SSH-level failure is an {@link dev.asyncio4j.ssh.SSHException} (an {@link java.io.IOException});
 * SFTP failures are {@link dev.asyncio4j.ssh.SFTPError} with the SFTP status code and the remote path.
 */
package dev.asyncio4j.ssh;

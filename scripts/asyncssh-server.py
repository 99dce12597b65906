#!/usr/bin/python3
"""A small asyncssh server for the ssh module's integration tests, started by scripts/sshd-env.

    asyncssh-server.py DIR PORT

Listens on 127.0.0.1:PORT only, with the host keys DIR/ssh_host_{ed25519,ecdsa,rsa}_key, the client
keys in DIR/authorized_keys and the password in DIR/password (the test user's; this process runs as
that user). Each exec request runs `bash -c COMMAND` with the request's environment; its stdout and
stderr are handed to the channel up to their EOF before the exit status (or signal) is sent (asyncssh
may still hold some of it for window, so the status can overtake the last data on the wire), stdin
is copied to it, and a channel closed early kills its process group. Offers sftp (asyncssh's own server), local port
forwarding, and remote forwarding on 127.0.0.1. Writes DIR/asyncssh.pid once listening.
"""
import asyncio
import hmac
import os
import signal
import sys

import asyncssh

HOST = "127.0.0.1"


class Server(asyncssh.SSHServer):
    def __init__(self, password):
        self._password = password

    def password_auth_supported(self):
        return True

    def validate_password(self, username, password):
        return hmac.compare_digest(password.encode(), self._password.encode())

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        return True

    def server_requested(self, listen_host, listen_port):
        return listen_host == HOST


async def pump(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()


async def copy_stdin(process, child):
    """Copies the channel's input to the command; a signal request is sent to its process group."""
    while True:
        try:
            data = await process.stdin.read(65536)
        except asyncssh.SignalReceived as exc:
            os.killpg(child.pid, signal.Signals["SIG" + exc.signal])
            continue
        except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged):
            continue
        if not data:
            break
        try:
            child.stdin.write(data)
            await child.stdin.drain()
        except ConnectionError:
            break
    child.stdin.close()


async def finish(process, child):
    await asyncio.gather(
        pump(child.stdout, process.stdout),
        pump(child.stderr, process.stderr))
    status = await child.wait()
    if status < 0:
        process.exit_with_signal(signal.Signals(-status).name[3:])
    else:
        process.exit(status)


async def run_command(process):
    env = dict(os.environ)
    env.update(process.env or {})
    child = await asyncio.create_subprocess_exec(
        "/bin/bash", "-c", process.command or "", env=env, cwd=os.path.expanduser("~"),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        start_new_session=True)
    feeder = asyncio.ensure_future(copy_stdin(process, child))
    work = asyncio.ensure_future(finish(process, child))
    closed = asyncio.ensure_future(process.channel.wait_closed())
    try:
        await asyncio.wait({work, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (feeder, work, closed):
            task.cancel()
        if child.returncode is None:
            os.killpg(child.pid, signal.SIGKILL)
            await child.wait()


async def main(directory, port):
    with open(os.path.join(directory, "password")) as f:
        password = f.readline().strip()
    keys = [os.path.join(directory, "ssh_host_%s_key" % t) for t in ("ed25519", "ecdsa", "rsa")]
    await asyncssh.listen(
        HOST, port, server_host_keys=keys, server_factory=lambda: Server(password),
        authorized_client_keys=os.path.join(directory, "authorized_keys"),
        process_factory=run_command, encoding=None, sftp_factory=True, allow_scp=False,
        agent_forwarding=False, x11_forwarding=False)
    with open(os.path.join(directory, "asyncssh.pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))

package dev.asyncio4j.ssh.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentKeyConstraint;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * An ssh-agent client over the JDK's Unix-domain {@link SocketChannel} (no native library): lists
 * the agent's identities and asks it to sign, as MINA's public-key authentication needs
 * (draft-miller-ssh-agent). Only the two client requests authentication uses are implemented; the
 * key-management requests throw {@link UnsupportedOperationException}.
 *
 * <p>Blocking and not for an event loop: MINA calls it from its own threads during authentication.
 * Requests are serialized on one connection per instance.
 */
public final class AgentClient implements SshAgent {
    static final int SSH_AGENT_FAILURE = 5;
    static final int SSH2_AGENTC_REQUEST_IDENTITIES = 11;
    static final int SSH2_AGENT_IDENTITIES_ANSWER = 12;
    static final int SSH2_AGENTC_SIGN_REQUEST = 13;
    static final int SSH2_AGENT_SIGN_RESPONSE = 14;
    static final int SSH_AGENT_RSA_SHA2_256 = 2;
    static final int SSH_AGENT_RSA_SHA2_512 = 4;
    private static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;
    private SocketChannel channel;
    private boolean closed;

    /**
     * Creates a client for an agent socket; it connects on first use.
     *
     * @param socket the agent's socket, e.g. the value of {@code SSH_AUTH_SOCK}
     */
    public AgentClient(Path socket) {
        this.socket = socket;
    }

    @Override
    public synchronized List<Map.Entry<PublicKey, String>> getIdentities() throws IOException {
        Buffer reply = request(SSH2_AGENTC_REQUEST_IDENTITIES, new ByteArrayBuffer(0));
        int type = reply.getUByte();
        if (type != SSH2_AGENT_IDENTITIES_ANSWER) {
            throw new SshException("ssh-agent at " + socket + " refused to list identities (reply type " + type + ")");
        }
        long count = reply.getUInt();
        List<Map.Entry<PublicKey, String>> ids = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            byte[] blob = reply.getBytes();
            String comment = reply.getString();
            try {
                ids.add(new SimpleImmutableEntry<>(new ByteArrayBuffer(blob).getRawPublicKey(), comment));
            } catch (SshException | RuntimeException e) {
                // a key type this client cannot use (e.g. a security key): offer the others
            }
        }
        return ids;
    }

    @Override
    public synchronized Map.Entry<String, byte[]> sign(SessionContext session, PublicKey key, String algo, byte[] data)
            throws IOException {
        ByteArrayBuffer body = new ByteArrayBuffer();
        body.putPublicKey(key);
        body.putBytes(data);
        body.putUInt(flagsFor(algo));
        Buffer reply = request(SSH2_AGENTC_SIGN_REQUEST, body);
        int type = reply.getUByte();
        if (type != SSH2_AGENT_SIGN_RESPONSE) {
            throw new SshException("ssh-agent at " + socket + " refused to sign with " + algo + " (reply type " + type + ")");
        }
        Buffer signature = new ByteArrayBuffer(reply.getBytes());
        String signedWith = signature.getString();
        return new SimpleImmutableEntry<>(signedWith, signature.getBytes());
    }

    /** RSA keys sign SHA-1 by default; the rsa-sha2-* algorithms are requested by flags. */
    static int flagsFor(String algo) {
        if (algo == null) {
            return 0;
        }
        if (algo.startsWith("rsa-sha2-256")) {
            return SSH_AGENT_RSA_SHA2_256;
        }
        return algo.startsWith("rsa-sha2-512") ? SSH_AGENT_RSA_SHA2_512 : 0;
    }

    private Buffer request(int type, Buffer body) throws IOException {
        SocketChannel ch = connect();
        int length = body.available() + 1;
        ByteBuffer out = ByteBuffer.allocate(4 + length);
        out.putInt(length).put((byte) type).put(body.array(), body.rpos(), body.available()).flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ByteBuffer header = readFully(ch, 4);
        int replyLength = header.getInt();
        if (replyLength <= 0 || replyLength > MAX_MESSAGE) {
            throw new SshException("ssh-agent at " + socket + " sent a bad message length " + replyLength);
        }
        return new ByteArrayBuffer(readFully(ch, replyLength).array());
    }

    private SocketChannel connect() throws IOException {
        if (closed) {
            throw new IOException("ssh-agent client for " + socket + " is closed");
        }
        if (channel == null) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                ch.close();
                throw new IOException("cannot reach ssh-agent at " + socket + ": " + e.getMessage(), e);
            }
            channel = ch;
        }
        return channel;
    }

    private ByteBuffer readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new EOFException("ssh-agent at " + socket + " closed the connection");
            }
        }
        return buf.flip();
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public KeyPair resolveLocalIdentity(PublicKey key) {
        return null;
    }

    @Override
    public void addIdentity(KeyPair key, String comment, SshAgentKeyConstraint... constraints) {
        throw new UnsupportedOperationException("adding keys to ssh-agent is not supported");
    }

    @Override
    public void removeIdentity(PublicKey key) {
        throw new UnsupportedOperationException("removing keys from ssh-agent is not supported");
    }

    @Override
    public void removeAllIdentities() {
        throw new UnsupportedOperationException("removing keys from ssh-agent is not supported");
    }

    @Override
    public String toString() {
        return "AgentClient[" + socket + "]";
    }
}

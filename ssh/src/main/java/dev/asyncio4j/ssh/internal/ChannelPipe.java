package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Protocol;
import dev.asyncio4j.Transport;

/**
 * What the two one-way transports over an SSH channel's streams share: the loop their MINA
 * completions are posted to, the protocol they drive, and extra info naming the channel.
 */
abstract class ChannelPipe implements Transport {
    final EventLoop loop;
    private final String channel;
    Protocol protocol;

    ChannelPipe(EventLoop loop, String channel) {
        this.loop = loop;
        this.channel = channel;
    }

    /** Connects the protocol ({@code connectionMade}) and starts the pipe. */
    void start(Protocol p) {
        protocol = p;
        p.connectionMade(this);
    }

    /** {@code "channel"}: a description of the SSH channel (command and host); nothing else is known. */
    @Override
    public Object getExtraInfo(String key) {
        return "channel".equals(key) ? channel : null;
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(Protocol protocol) {
        this.protocol = protocol;
    }
}

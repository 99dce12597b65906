package dev.asyncio4j.conformance;

import dev.asyncio4j.Protocol;
import dev.asyncio4j.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A transport that records what is done to it (asyncio's tests use a mock here). */
final class FakeTransport implements Transport {
    final List<String> log = new ArrayList<>();
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private Protocol protocol;
    private boolean closing;
    private boolean reading = true;

    @Override
    public void write(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        written.writeBytes(b);
    }

    @Override
    public void writeEof() {
        log.add("writeEof");
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void close() {
        closing = true;
        log.add("close");
    }

    @Override
    public void abort() {
        closing = true;
        log.add("abort");
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void pauseReading() {
        reading = false;
        log.add("pauseReading");
    }

    @Override
    public void resumeReading() {
        reading = true;
        log.add("resumeReading");
    }

    @Override
    public boolean isReading() {
        return reading;
    }

    @Override
    public long getWriteBufferSize() {
        return 0;
    }

    @Override
    public void setWriteBufferLimits(long high, long low) {
        log.add("limits " + high + " " + low);
    }

    @Override
    public Object getExtraInfo(String name) {
        return null;
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(Protocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public String toString() {
        return "<Transport>";
    }
}

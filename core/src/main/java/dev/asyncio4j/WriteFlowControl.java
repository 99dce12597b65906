package dev.asyncio4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The write-buffer marks of a {@link Transport}: asyncio's {@code _FlowControlMixin}, for transport
 * implementations. The transport reports its buffered byte count after every change; above the high
 * mark the protocol's {@link Protocol#pauseWriting()} is called once, at or below the low mark
 * {@link Protocol#resumeWriting()} once. Defaults: 64 KiB high, 16 KiB low. Socket, pipe and SSH
 * channel transports share it.
 *
 * <pre>{@code
 * private final WriteFlowControl flow = new WriteFlowControl(loop, this);
 * public void write(ByteBuffer data) { queue(data); buffered += n; flow.update(buffered); }
 * public void setWriteBufferLimits(long high, long low) { flow.setLimits(high, low, buffered); }
 * }</pre>
 */
public final class WriteFlowControl {
    private static final long DEFAULT_HIGH_WATER = 64 * 1024;

    private final EventLoop loop;
    private final Transport transport;
    private long highWater = DEFAULT_HIGH_WATER;
    private long lowWater = DEFAULT_HIGH_WATER / 4;
    private boolean paused;

    /**
     * Creates the marks of one transport.
     *
     * @param loop      the transport's loop, whose exception handler hears of a failing protocol callback
     * @param transport the transport whose protocol is paused and resumed
     */
    public WriteFlowControl(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
    }

    /**
     * Validates and sets the marks, then applies them to the current buffer size.
     *
     * @param high     pause above this many buffered bytes
     * @param low      resume at or below this many
     * @param buffered the bytes buffered now
     * @throws IllegalArgumentException unless {@code 0 <= low <= high}
     */
    public void setLimits(long high, long low, long buffered) {
        if (high < 0 || low < 0 || low > high) {
            throw new IllegalArgumentException("write buffer limits need 0 <= low <= high, got high=" + high + " low=" + low);
        }
        highWater = high;
        lowWater = low;
        update(buffered);
    }

    /**
     * Pauses or resumes the protocol for the buffer's new size.
     *
     * @param buffered the bytes buffered now
     */
    public void update(long buffered) {
        if (!paused && buffered > highWater) {
            paused = true;
            try {
                transport.getProtocol().pauseWriting();
            } catch (Throwable e) {
                report(e, "protocol.pauseWriting() failed");
            }
        } else if (paused && buffered <= lowWater) {
            paused = false;
            try {
                transport.getProtocol().resumeWriting();
            } catch (Throwable e) {
                report(e, "protocol.resumeWriting() failed");
            }
        }
    }

    /**
     * Whether the protocol is paused.
     *
     * @return true between a pauseWriting and the next resumeWriting
     */
    public boolean isPaused() {
        return paused;
    }

    private void report(Throwable e, String message) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("message", message);
        context.put("exception", e);
        context.put("transport", transport);
        context.put("protocol", transport.getProtocol());
        loop.callExceptionHandler(context);
    }
}

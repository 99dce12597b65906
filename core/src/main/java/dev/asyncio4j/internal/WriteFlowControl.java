package dev.asyncio4j.internal;

import dev.asyncio4j.Transport;

/**
 * A transport's write-buffer marks (asyncio's {@code _FlowControlMixin} on the transport side): the
 * protocol is paused when the buffer rises above the high-water mark and resumed when it drains to
 * the low one. Loop-confined, like its transport.
 */
final class WriteFlowControl {
    private static final long DEFAULT_HIGH_WATER = 64 * 1024;

    private final DefaultEventLoop loop;
    private final Transport transport;
    private long highWater = DEFAULT_HIGH_WATER;
    private long lowWater = DEFAULT_HIGH_WATER / 4;
    private boolean paused;

    WriteFlowControl(DefaultEventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
    }

    /* Validates and sets the marks, then applies them to the current buffer size. */
    void setLimits(long high, long low, long buffered) {
        if (high < 0 || low < 0 || low > high) {
            throw new IllegalArgumentException("write buffer limits need 0 <= low <= high, got high=" + high + " low=" + low);
        }
        highWater = high;
        lowWater = low;
        update(buffered);
    }

    /* Pauses or resumes the protocol for the buffer's new size. */
    void update(long buffered) {
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

    private void report(Throwable e, String message) {
        TransportErrors.report(loop, message, e, transport);
    }
}

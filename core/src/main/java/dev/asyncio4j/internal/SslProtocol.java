package dev.asyncio4j.internal;

import dev.asyncio4j.ConnectionResetException;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Protocol;
import dev.asyncio4j.TimerHandle;
import dev.asyncio4j.Transport;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS layered on another transport: asyncio's {@code sslproto.SSLProtocol}. It is the protocol of
 * the raw transport (a socket), runs an {@link SSLEngine} over the bytes it receives and sends, and
 * exposes an application-side {@link Transport} to the user's protocol, which is told
 * {@code connectionMade} only once the handshake is done.
 */
/*
 * Implementation overview.
 *
 * Everything runs on the loop. Received TLS bytes are appended to netIn; pump() then drives the
 * engine by its handshake status until nothing more can happen: NEED_TASK hands the delegated tasks
 * to the loop's executor and resumes when they are done, NEED_WRAP produces handshake/close records, NEED_UNWRAP consumes netIn; once not
 * handshaking, queued application writes (appOut) are wrapped and, unless the application paused
 * reading, netIn is unwrapped into appIn and handed to the application. pump() is re-entrant-safe:
 * an application that writes from dataReceived only marks another round.
 *
 * Flow control: the raw transport's pause/resumeWriting pass straight to the application (wrapping
 * never holds data back, so the raw write buffer is the buffer); the application's pauseReading
 * pauses the raw transport and stops unwrapping, so undelivered records stay in netIn.
 *
 * Closing: close() flushes appOut, closes the engine's outbound side (close_notify) and waits, at most
 * the shutdown timeout, for the peer's close_notify or EOF before closing the raw transport.
 */
public final class SslProtocol implements Protocol {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final EventLoop loop;
    private final SSLEngine engine;
    private final Duration handshakeTimeout;
    private final Duration shutdownTimeout;
    private final Future<Transport> waiter;
    private final boolean callConnectionMade;
    private final AppTransport app = new AppTransport();
    private final ArrayDeque<ByteBuffer> appOut = new ArrayDeque<>();
    private Protocol appProtocol;
    private Transport raw;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private long appOutBytes;
    private boolean handshakeDone;
    private boolean appMade;
    private boolean appReadingPaused;
    private boolean closing;
    private boolean eofDelivered;
    private boolean lost;
    private boolean pumping;
    private boolean pumpAgain;
    private boolean tasksRunning;
    private boolean rawWritePaused;
    private Throwable failure;
    private TimerHandle handshakeTimer;
    private TimerHandle shutdownTimer;

    /**
     * Creates the TLS layer.
     *
     * @param loop               the loop of the raw transport
     * @param engine             a configured engine (client or server mode set)
     * @param appProtocol        the application's protocol
     * @param handshakeTimeout   how long the handshake may take
     * @param shutdownTimeout    how long close waits for the peer's close_notify
     * @param waiter             completed with the application transport after the handshake, or
     *                           failed with its error; {@code null} on servers
     * @param callConnectionMade whether to call the application's connectionMade (false for
     *                           startTls, whose protocol is already connected)
     */
    public SslProtocol(EventLoop loop, SSLEngine engine, Protocol appProtocol, Duration handshakeTimeout,
                       Duration shutdownTimeout, Future<Transport> waiter, boolean callConnectionMade) {
        this.loop = loop;
        this.engine = engine;
        this.appProtocol = Objects.requireNonNull(appProtocol, "protocol");
        this.handshakeTimeout = handshakeTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.waiter = waiter;
        this.callConnectionMade = callConnectionMade;
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        netOut = ByteBuffer.allocate(packet);
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /**
     * A client engine: SNI and endpoint identification ("HTTPS": the certificate must name the host)
     * for {@code serverHostname}.
     *
     * @param context        the TLS context
     * @param serverHostname the name to verify and send as SNI (a literal address is verified but not
     *                       sent as SNI)
     * @param port           the peer's port (a session-cache hint)
     * @return the engine in client mode
     */
    public static SSLEngine clientEngine(SSLContext context, String serverHostname, int port) {
        Objects.requireNonNull(serverHostname, "serverHostname");
        SSLEngine engine = context.createSSLEngine(serverHostname, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!Net.isLiteral(serverHostname)) {
            params.setServerNames(List.of(new SNIHostName(serverHostname)));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /**
     * A server engine.
     *
     * @param context the TLS context (with a key manager)
     * @return the engine in server mode
     */
    public static SSLEngine serverEngine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /**
     * The transport the application sees.
     *
     * @return the application-side transport
     */
    public Transport appTransport() {
        return app;
    }

    // ---------------------------------------------------------------- raw side (Protocol)

    @Override
    public void connectionMade(Transport transport) {
        raw = transport;
        handshakeTimer = loop.callLater(handshakeTimeout, () -> {
            if (!handshakeDone) {
                fail(new SocketTimeoutException("TLS handshake is taking longer than " + handshakeTimeout
                        + ": aborting the connection"));
            }
        });
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        pump();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (lost) {
            return;
        }
        int n = data.remaining();
        if (netIn.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(netIn.capacity() * 2, netIn.position() + n));
            netIn.flip();
            bigger.put(netIn);
            netIn = bigger;
        }
        netIn.put(data);
        pump();
    }

    @Override
    public boolean eofReceived() {
        if (!handshakeDone) {
            fail(new ConnectionResetException("Connection closed by the peer during the TLS handshake"));
            return false;
        }
        deliverEof();
        return false;
    }

    @Override
    public void connectionLost(Throwable error) {
        lost = true;
        cancelTimers();
        Throwable why = failure != null ? failure : error;
        if (!handshakeDone) {
            completeWaiter(why != null ? why
                    : new ConnectionResetException("Connection lost during the TLS handshake"));
        }
        if (appMade) {
            appMade = false;
            appProtocol.connectionLost(why);
        }
    }

    @Override
    public void pauseWriting() {
        rawWritePaused = true;
        if (appMade) {
            appProtocol.pauseWriting();
        }
    }

    @Override
    public void resumeWriting() {
        rawWritePaused = false;
        if (appMade) {
            appProtocol.resumeWriting();
        }
    }

    // ---------------------------------------------------------------- the engine pump

    private void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                while (!lost && step()) {
                    // keep going while the engine makes progress
                }
            } while (pumpAgain && !lost);
            if (!lost && closing && engine.isOutboundDone() && appOut.isEmpty() && engine.isInboundDone()) {
                raw.close();
            }
        } catch (SSLException | RuntimeException e) {
            fail(e);
        } finally {
            pumping = false;
        }
    }

    /* One move of the engine; false when it needs more input (or output room) to go on. */
    private boolean step() throws SSLException {
        switch (engine.getHandshakeStatus()) {
            case NEED_TASK -> {
                runDelegatedTasks();
                return false;
            }
            case NEED_WRAP -> {
                return wrap(EMPTY);
            }
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                return unwrap();
            }
            default -> {
                if (!handshakeDone) {
                    handshakeComplete();
                    return !lost;
                }
                boolean progress = false;
                if (!appOut.isEmpty() && !engine.isOutboundDone()) {
                    progress = wrap(appOut.peek());
                } else if (closing && !engine.isOutboundDone()) {
                    engine.closeOutbound();
                    progress = true;
                }
                if (!appReadingPaused && !engine.isInboundDone() && netIn.position() > 0) {
                    progress |= unwrap();
                }
                return progress;
            }
        }
    }

    /*
     * The engine's delegated tasks (certificate path checks, key agreement) can take many milliseconds,
     * so they run in the loop's default executor; the engine reports NEED_TASK, and so stays still,
     * until they are done and pump() goes on.
     */
    private void runDelegatedTasks() {
        if (tasksRunning) {
            return;
        }
        tasksRunning = true;
        loop.runInExecutor(null, () -> {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
            return null;
        }).addDoneCallback(f -> {
            tasksRunning = false;
            Throwable error = f.isCancelled() ? null : f.exception();
            if (error != null) {
                fail(error);
            } else if (!lost) {
                pump();
            }
        });
    }

    private boolean wrap(ByteBuffer src) throws SSLException {
        netOut.clear();
        SSLEngineResult r = engine.wrap(src, netOut);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, engine.getSession().getPacketBufferSize()));
            return true;
        }
        if (src != EMPTY) {
            appOutBytes -= r.bytesConsumed();
            if (!src.hasRemaining()) {
                appOut.poll();
            }
        }
        if (r.bytesProduced() > 0) {
            netOut.flip();
            raw.write(netOut);
        }
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
    }

    private boolean unwrap() throws SSLException {
        if (netIn.position() == 0) {
            return false;
        }
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (r.getStatus()) {
            case BUFFER_OVERFLOW -> {
                ByteBuffer bigger = ByteBuffer.allocate(appIn.position() + engine.getSession().getApplicationBufferSize());
                appIn.flip();
                bigger.put(appIn);
                appIn = bigger;
                return true;
            }
            case BUFFER_UNDERFLOW -> {
                return false;
            }
            case CLOSED -> {
                deliverAppData();
                deliverEof();
                return r.bytesConsumed() > 0;
            }
            default -> {
                deliverAppData();
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            }
        }
    }

    private void deliverAppData() {
        if (!appMade || appIn.position() == 0 || closing) {
            if (closing) {
                appIn.clear(); // data after close() is discarded, as asyncio's shutdown does
            }
            return;
        }
        appIn.flip();
        try {
            appProtocol.dataReceived(appIn);
        } finally {
            appIn.clear();
        }
    }

    /* The peer finished (close_notify or raw EOF): tell the application once, then close. */
    private void deliverEof() {
        if (eofDelivered) {
            return;
        }
        eofDelivered = true;
        if (appMade && !closing) {
            appProtocol.eofReceived(); // TLS cannot half-close: the answer cannot keep it open
        }
        app.close();
    }

    private void handshakeComplete() {
        handshakeDone = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
        }
        appMade = true;
        if (callConnectionMade) {
            appProtocol.connectionMade(app);
        }
        if (rawWritePaused) {
            appProtocol.pauseWriting();
        }
        completeWaiter(null);
        deliverAppData();
    }

    private void completeWaiter(Throwable error) {
        if (waiter == null || waiter.isDone()) {
            return;
        }
        if (error == null) {
            waiter.setResult(app);
        } else {
            waiter.setException(error);
        }
    }

    /* A TLS error or a timeout: send the alert the engine may have ready, then abort. */
    private void fail(Throwable error) {
        if (lost) {
            return;
        }
        if (failure == null) {
            failure = error;
        }
        if (handshakeDone && !(error instanceof IOException)) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("message", "Fatal error on TLS transport");
            context.put("exception", error);
            context.put("transport", app);
            context.put("protocol", appProtocol);
            loop.callExceptionHandler(context);
        }
        try {
            engine.closeOutbound();
            netOut.clear();
            if (engine.wrap(EMPTY, netOut).bytesProduced() > 0) {
                netOut.flip();
                raw.write(netOut);
            }
        } catch (SSLException | RuntimeException ignored) {
            // the alert is a courtesy; the connection is aborted either way
        }
        raw.abort();
    }

    private void cancelTimers() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
        }
        if (shutdownTimer != null) {
            shutdownTimer.cancel();
        }
    }

    // ---------------------------------------------------------------- application side

    private final class AppTransport implements Transport {

        @Override
        public void write(ByteBuffer data) {
            if (!data.hasRemaining()) {
                return;
            }
            if (closing || lost) {
                data.position(data.limit());
                return;
            }
            int n = data.remaining();
            appOut.add(ByteBuffer.allocate(n).put(data).flip());
            appOutBytes += n;
            pump();
        }

        @Override
        public void writeEof() {
            throw new UnsupportedOperationException("TLS transports cannot half-close: writeEof() is not supported");
        }

        @Override
        public boolean canWriteEof() {
            return false;
        }

        @Override
        public void close() {
            if (closing || lost) {
                return;
            }
            closing = true;
            if (!handshakeDone) {
                raw.abort();
                return;
            }
            if (appReadingPaused) {
                appReadingPaused = false; // the peer's close_notify must still be read
                raw.resumeReading();
            }
            shutdownTimer = loop.callLater(shutdownTimeout, () -> raw.abort());
            pump();
        }

        @Override
        public void abort() {
            closing = true;
            if (raw != null) {
                raw.abort();
            }
        }

        @Override
        public boolean isClosing() {
            return closing || lost || raw.isClosing();
        }

        @Override
        public void pauseReading() {
            if (appReadingPaused || closing) {
                return;
            }
            appReadingPaused = true;
            raw.pauseReading();
        }

        @Override
        public void resumeReading() {
            if (!appReadingPaused || closing) {
                return;
            }
            appReadingPaused = false;
            raw.resumeReading();
            loop.callSoon(SslProtocol.this::pump);
        }

        @Override
        public boolean isReading() {
            return !appReadingPaused && !closing && !lost;
        }

        @Override
        public long getWriteBufferSize() {
            return appOutBytes + raw.getWriteBufferSize();
        }

        @Override
        public void setWriteBufferLimits(long high, long low) {
            raw.setWriteBufferLimits(high, low);
        }

        @Override
        public Object getExtraInfo(String name) {
            return switch (name) {
                case "sslsession" -> engine.getSession();
                case "cipher" -> engine.getSession().getCipherSuite();
                case "peercert" -> peerCertificate();
                default -> raw.getExtraInfo(name);
            };
        }

        private Object peerCertificate() {
            try {
                return engine.getSession().getPeerCertificates()[0];
            } catch (SSLPeerUnverifiedException e) {
                return null;
            }
        }

        @Override
        public Protocol getProtocol() {
            return appProtocol;
        }

        @Override
        public void setProtocol(Protocol protocol) {
            appProtocol = Objects.requireNonNull(protocol, "protocol");
        }

        @Override
        public String toString() {
            return "<TLS transport " + (lost ? "closed " : closing ? "closing " : "") + engine.getSession().getProtocol()
                    + " over " + raw + ">";
        }
    }
}

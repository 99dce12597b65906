package dev.asyncio4j.internal;

import dev.asyncio4j.Transport;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reports failures of transports and of their protocols to the loop's exception handler. */
final class TransportErrors {
    private TransportErrors() {
    }

    /**
     * Passes {@code error} to the loop's exception handler with the transport and its protocol.
     *
     * @param loop      the transport's loop
     * @param message   what failed
     * @param error     the failure
     * @param transport the transport
     */
    static void report(DefaultEventLoop loop, String message, Throwable error, Object transport) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("message", message);
        context.put("exception", error);
        context.put("transport", transport);
        if (transport instanceof Transport t) {
            context.put("protocol", t.getProtocol());
        }
        loop.callExceptionHandler(context);
    }
}

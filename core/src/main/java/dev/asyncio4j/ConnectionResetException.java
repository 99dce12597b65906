package dev.asyncio4j;

import java.net.SocketException;

/**
 * The connection was lost while writing or waiting to write: asyncio's
 * {@code ConnectionResetError('Connection lost')} from {@code drain()}.
 *
 * <pre>{@code
 * try {
 *     writer.write(data);
 *     writer.drain();
 * } catch (ConnectionResetException e) {
 *     // the peer went away; nothing more can be sent
 * }
 * }</pre>
 */
public class ConnectionResetException extends SocketException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was lost
     */
    public ConnectionResetException(String message) {
        super(message);
    }
}

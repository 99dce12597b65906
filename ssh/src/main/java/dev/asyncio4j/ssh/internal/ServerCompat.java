package dev.asyncio4j.ssh.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Work-arounds for known server bugs, chosen by the server's identification string, as OpenSSH's
 * {@code compat.c} does.
 */
final class ServerCompat {
    /*
     * Dropbear 2022.82 to 2024.85 (mkj/dropbear#321, fixed by #326 in 2024.86): a session channel that
     * is open but has not yet received its exec request is closed at once if a SIGCHLD from another
     * session's command is pending. The command still starts, its output and exit status are lost
     * (the channel ends without an exit status), and if its output reaches the closed channel the
     * server dies on an assertion (`!channel->sent_close`), taking every channel of the connection
     * with it. Only the server's own children raise that SIGCHLD, and it has reaped a command before
     * it closes the command's channel, so one session channel at a time on such a server is safe as
     * long as the server is the one closing channels: SFTPClient.close sends EOF and waits for that. A
     * command whose channel the client closes early (timeout, cancellation) may still exit later, while
     * another channel is being opened; that remains the server's bug.
     */
    private static final Pattern DROPBEAR = Pattern.compile("^SSH-2\\.0-dropbear_(\\d{4})\\.(\\d+)");
    private static final int FIRST_BAD = 202282;
    private static final int FIRST_FIXED = 202486;

    private ServerCompat() {
    }

    /**
     * Returns how many session channels may be open at once on a connection to a server.
     *
     * @param serverVersion the server's identification string, e.g. {@code SSH-2.0-dropbear_2022.83}
     * @param requested     the {@code maxSessions} option
     * @return {@code requested}, or 1 for a server that loses channels opened while another command exits
     */
    static int sessionCap(String serverVersion, int requested) {
        Matcher m = DROPBEAR.matcher(serverVersion == null ? "" : serverVersion);
        if (m.find()) {
            int version = Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2));
            if (version >= FIRST_BAD && version < FIRST_FIXED) {
                return 1;
            }
        }
        return requested;
    }
}

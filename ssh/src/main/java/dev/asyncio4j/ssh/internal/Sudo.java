package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.ssh.SSHCompletedProcess;
import java.nio.charset.StandardCharsets;

/**
 * Running a command line under {@code sudo -S -p ''}: the whole line in {@code sh -c}, the password as
 * the first line of stdin, and recognising sudo's refusal of the password.
 */
final class Sudo {
    private Sudo() {
    }

    /** {@code sudo -S -p '' -- sh -c 'command'}, single-quoted so the whole line runs as root. */
    static String wrap(String command) {
        return "sudo -S -p '' -- sh -c " + quote(command);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The password line followed by the caller's input. */
    static byte[] input(String password, byte[] rest) {
        byte[] line = (password + "\n").getBytes(StandardCharsets.UTF_8);
        if (rest == null) {
            return line;
        }
        byte[] all = new byte[line.length + rest.length];
        System.arraycopy(line, 0, all, 0, line.length);
        System.arraycopy(rest, 0, all, line.length, rest.length);
        return all;
    }

    /**
     * Whether sudo itself refused: it exits 1 and says so on stderr ("Sorry, try again.",
     * "incorrect password attempt", "no password was provided") before running anything.
     */
    static boolean refused(SSHCompletedProcess p) {
        if (p.exitStatus() == null || p.exitStatus() != 1) {
            return false;
        }
        String err = p.stderr();
        return err.contains("incorrect password attempt") || err.contains("no password was provided")
                || err.startsWith("Sorry, try again.");
    }
}

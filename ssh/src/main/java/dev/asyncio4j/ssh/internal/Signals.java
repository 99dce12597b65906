package dev.asyncio4j.ssh.internal;

import java.util.Map;

/** POSIX signal numbers for the names SSH's exit-signal carries (RFC 4254 6.10), Linux numbering. */
public final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("ABRT", 6), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10),
            Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14),
            Map.entry("TERM", 15));

    private Signals() {
    }

    /**
     * Returns the number of a signal name.
     *
     * @param name the name without {@code SIG}, e.g. {@code "TERM"}
     * @return its Linux number, or 1 for a name SSH does not define (returncode -1: unknown)
     */
    public static int number(String name) {
        return NUMBERS.getOrDefault(name, 1);
    }
}

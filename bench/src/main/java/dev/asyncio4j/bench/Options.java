package dev.asyncio4j.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code NAME VALUE} arguments of a bench program, checked against the names in its usage line
 * (the words that start with {@code -}): an unknown name or a missing value is refused with the usage.
 */
final class Options {
    private final Map<String, String> values = new HashMap<>();

    /**
     * Parses the arguments.
     *
     * @param args  the program's arguments, in pairs
     * @param usage e.g. {@code "--dir DIR -n N"}
     * @throws IllegalArgumentException for an unknown name or a name without a value
     */
    Options(String[] args, String usage) {
        Set<String> known = Arrays.stream(usage.split(" ")).filter(w -> w.startsWith("-")).collect(Collectors.toSet());
        for (int i = 0; i < args.length; i += 2) {
            if (!known.contains(args[i])) {
                throw new IllegalArgumentException("unknown argument " + args[i] + "; use " + usage);
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("missing value after " + args[i]);
            }
            values.put(args[i], args[i + 1]);
        }
    }

    /** @return the value given for {@code name}, or {@code otherwise} */
    String get(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    /** @return the number given for {@code name}, or {@code otherwise} */
    long getLong(String name, long otherwise) {
        String v = values.get(name);
        return v == null ? otherwise : Long.parseLong(v);
    }

    /** @return the number given for {@code name}, or {@code otherwise} */
    int getInt(String name, int otherwise) {
        return Math.toIntExact(getLong(name, otherwise));
    }
}

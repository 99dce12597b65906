package dev.asyncio4j.bench;

import java.util.Locale;

/**
 * A builder of one flat JSON object on one line, spaced as Python's {@code json.dumps} spaces it
 * ({@code {"a": 1, "b": "x"}}), so that our lines and the peers' look alike.
 */
final class JsonLine {
    private final StringBuilder out = new StringBuilder("{");

    JsonLine put(String key, String value) {
        return raw(key, quote(value));
    }

    JsonLine put(String key, long value) {
        return raw(key, Long.toString(value));
    }

    /** Adds a number rounded to {@code decimals} places, as the peers round theirs; NaN or infinity is null. */
    JsonLine put(String key, double value, int decimals) {
        if (!Double.isFinite(value)) {
            return raw(key, "null");
        }
        return raw(key, String.format(Locale.ROOT, "%." + decimals + "f", value));
    }

    private JsonLine raw(String key, String json) {
        if (out.length() > 1) {
            out.append(", ");
        }
        out.append(quote(key)).append(": ").append(json);
        return this;
    }

    @Override
    public String toString() {
        return out + "}";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}

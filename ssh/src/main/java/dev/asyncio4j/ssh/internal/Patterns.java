package dev.asyncio4j.ssh.internal;

/** OpenSSH's pattern matching ({@code match_pattern}): {@code *} matches any run, {@code ?} one character. */
public final class Patterns {
    private Patterns() {
    }

    /**
     * Matches a whole string against a glob; the caller folds case where OpenSSH does.
     *
     * @param pattern the pattern with {@code *} and {@code ?}
     * @param text    the text
     * @return whether the whole text matches
     */
    public static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /**
     * Matches a comma-separated pattern list as OpenSSH's {@code match_pattern_list} does: a matching
     * negated ({@code !}) pattern rejects, otherwise any matching pattern accepts.
     *
     * @param list     the patterns, comma-separated
     * @param text     the text
     * @param foldCase whether to compare case-insensitively (host names)
     * @return whether the list accepts the text
     */
    public static boolean matchList(String list, String text, boolean foldCase) {
        String subject = foldCase ? text.toLowerCase(java.util.Locale.ROOT) : text;
        boolean matched = false;
        for (String raw : list.split(",")) {
            String pattern = raw.strip();
            boolean negated = pattern.startsWith("!");
            if (negated) {
                pattern = pattern.substring(1);
            }
            if (foldCase) {
                pattern = pattern.toLowerCase(java.util.Locale.ROOT);
            }
            if (glob(pattern, subject)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }
}

package dev.asyncio4j.ssh.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenSSH client config file ({@code ~/.ssh/config}) evaluated for one destination, as {@code ssh -G}
 * does: {@code Host} and {@code Match} blocks, {@code Include} (globs, relative to {@code ~/.ssh}),
 * first-obtained-value-wins, and {@code %} / {@code ~} expansion in file names.
 *
 * <p>{@code Match} supports {@code all}, {@code host}, {@code originalhost}, {@code user},
 * {@code localuser}, {@code exec} (run by {@code /bin/sh -c}; exit status 0 matches), negation with
 * {@code !}, and {@code canonical} / {@code final}: like OpenSSH, a config that uses either is read a
 * second time ("final pass") with the host name found by the first; since this client does not
 * canonicalize host names, {@code canonical} matches exactly where {@code final} does. Other criteria
 * ({@code localnetwork}, {@code tagged}, …) are parsed and never match. Blocking (file reads,
 * {@code exec}): call it off the event loop.
 */
public final class SshConfig {
    private static final int MAX_INCLUDE_DEPTH = 16;
    /** OpenSSH's time format: numbers with a unit (s, m, h, d, w), the last one's optional (seconds). */
    private static final Pattern TIME = Pattern.compile("(\\d{1,9}[smhdw])*(\\d{1,9})?", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME_PART = Pattern.compile("(\\d+)([smhdw]?)", Pattern.CASE_INSENSITIVE);
    private static final List<String> MULTI = List.of("identityfile", "certificatefile", "localforward",
            "remoteforward", "dynamicforward", "sendenv", "setenv");

    /**
     * The options in force for one destination.
     *
     * @param originalHost the host as given
     * @param values       keyword (lower case) to its first value; for accumulating keywords
     *                     ({@code IdentityFile} …) every value, in order
     */
    public record Resolved(String originalHost, Map<String, List<String>> values) {
        /**
         * Returns the first value of a keyword.
         *
         * @param keyword the keyword, any case
         * @return the value, or {@code null}
         */
        public String get(String keyword) {
            List<String> v = values.get(keyword.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /**
         * Returns every value of a keyword.
         *
         * @param keyword the keyword, any case
         * @return the values, possibly empty
         */
        public List<String> all(String keyword) {
            return values.getOrDefault(keyword.toLowerCase(Locale.ROOT), List.of());
        }

        /**
         * Returns {@code HostName} (with {@code %h} expanded) or the original host.
         *
         * @return the host to connect to
         */
        public String hostName() {
            String h = get("hostname");
            return h == null ? originalHost : h.replace("%h", originalHost);
        }

        /**
         * Returns {@code Port}.
         *
         * @return the port, or {@code null}
         * @throws IllegalArgumentException if the value is not a port number
         */
        public Integer port() {
            String p = get("port");
            if (p == null) {
                return null;
            }
            try {
                int n = Integer.parseInt(p);
                if (n > 0 && n < 65536) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("ssh config: bad Port '" + p + "' for host " + originalHost);
        }

        /**
         * Returns {@code ConnectTimeout}.
         *
         * @return the timeout, or {@code null}
         * @throws IllegalArgumentException if the value is not a number of seconds
         */
        public Duration connectTimeout() {
            String t = get("connecttimeout");
            if (t == null || t.equalsIgnoreCase("none")) {
                return null;
            }
            return time("ConnectTimeout", t);
        }

        /**
         * Returns {@code ServerAliveInterval}: how often to send a keepalive.
         *
         * @return the interval, or {@code null} when unset or 0 (no keepalive, OpenSSH's default)
         * @throws IllegalArgumentException if the value is not a time
         */
        public Duration serverAliveInterval() {
            String t = get("serveraliveinterval");
            Duration d = t == null ? null : time("ServerAliveInterval", t);
            return d == null || d.isZero() ? null : d;
        }

        /**
         * Returns {@code ServerAliveCountMax}: unanswered keepalives tolerated. OpenSSH's 0 (give up at
         * the first check) counts as 1 here, since the keepalive gives up only after an unanswered one.
         *
         * @return the count, 3 when unset (OpenSSH's default)
         * @throws IllegalArgumentException if the value is not a non-negative number
         */
        public int serverAliveCountMax() {
            String c = get("serveralivecountmax");
            if (c == null) {
                return 3;
            }
            try {
                int n = Integer.parseInt(c);
                if (n >= 0) {
                    return Math.max(n, 1);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("ssh config: bad ServerAliveCountMax '" + c + "' for host " + originalHost);
        }

        /**
         * Parses OpenSSH's time format (sshd_config(5) TIME FORMATS): a number of seconds, or a sequence
         * of numbers each followed by s, m, h, d or w ({@code 1m30s}).
         */
        private Duration time(String keyword, String value) {
            if (value.isEmpty() || !TIME.matcher(value).matches()) {
                throw new IllegalArgumentException("ssh config: bad " + keyword + " '" + value + "' for host " + originalHost);
            }
            long seconds = 0;
            Matcher part = TIME_PART.matcher(value);
            while (part.find()) {
                long unit = switch (part.group(2).toLowerCase(Locale.ROOT)) {
                    case "m" -> 60;
                    case "h" -> 3600;
                    case "d" -> 86400;
                    case "w" -> 604800;
                    default -> 1;
                };
                seconds += Long.parseLong(part.group(1)) * unit;
            }
            return Duration.ofSeconds(seconds);
        }
    }

    private record Line(String keyword, List<String> args, Path file, int number) {
    }

    private final Path file;
    private final Path home;
    private final String localUser;

    /**
     * Prepares to read a config file.
     *
     * @param file      the file (missing = empty)
     * @param home      the user's home, for {@code ~}, {@code %d} and relative {@code Include}s
     * @param localUser the local user name, for {@code %u} and {@code Match localuser}
     */
    public SshConfig(Path file, Path home, String localUser) {
        this.file = file;
        this.home = home;
        this.localUser = localUser;
    }

    /**
     * Evaluates the config for a destination.
     *
     * @param host        the host as given by the user (an alias or a name)
     * @param defaultUser the user that applies if the config names none (for {@code Match user})
     * @return the options in force
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException for a malformed line, naming the file and line
     */
    public Resolved resolve(String host, String defaultUser) throws IOException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        Pass first = new Pass(host, defaultUser, values, false);
        first.readFile(file, 0, true);
        if (first.wantFinal) {
            new Pass(host, defaultUser, values, true).readFile(file, 0, true);
        }
        return new Resolved(host, values);
    }

    /** One reading of the config with a fixed "final pass" flag; values accumulate across passes. */
    private final class Pass {
        final String originalHost;
        final String defaultUser;
        final Map<String, List<String>> values;
        final boolean finalPass;
        boolean wantFinal;

        Pass(String originalHost, String defaultUser, Map<String, List<String>> values, boolean finalPass) {
            this.originalHost = originalHost;
            this.defaultUser = defaultUser;
            this.values = values;
            this.finalPass = finalPass;
        }

        void readFile(Path path, int depth, boolean active) throws IOException {
            if (depth > MAX_INCLUDE_DEPTH) {
                throw new IllegalArgumentException("ssh config: Include nested deeper than " + MAX_INCLUDE_DEPTH + " at " + path);
            }
            List<String> text;
            try {
                text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).lines().toList();
            } catch (NoSuchFileException e) {
                if (depth == 0) {
                    return;
                }
                throw e;
            }
            boolean on = active;
            for (int i = 0; i < text.size(); i++) {
                Line line = tokenize(text.get(i), path, i + 1);
                if (line == null) {
                    continue;
                }
                switch (line.keyword()) {
                    case "host" -> on = active && hostMatches(line);
                    case "match" -> on = active && matchMatches(line);
                    case "include" -> {
                        if (on) {
                            for (String pattern : line.args()) {
                                for (Path inc : expandInclude(pattern)) {
                                    readFile(inc, depth + 1, true);
                                }
                            }
                        }
                    }
                    default -> {
                        if (on) {
                            set(line);
                        }
                    }
                }
            }
        }

        private void set(Line line) {
            if (line.args().isEmpty()) {
                throw new IllegalArgumentException(where(line) + ": " + line.keyword() + " needs a value");
            }
            if (MULTI.contains(line.keyword())) {
                values.computeIfAbsent(line.keyword(), k -> new ArrayList<>()).addAll(line.args());
            } else {
                values.putIfAbsent(line.keyword(), List.copyOf(line.args()));
            }
        }

        /** As in OpenSSH, the final pass matches Host patterns against the first pass's HostName. */
        private boolean hostMatches(Line line) {
            if (line.args().isEmpty()) {
                throw new IllegalArgumentException(where(line) + ": Host needs a pattern");
            }
            return Patterns.matchList(String.join(",", line.args()), finalPass ? currentHostName() : originalHost, true);
        }

        private boolean matchMatches(Line line) throws IOException {
            List<String> a = line.args();
            if (a.isEmpty()) {
                throw new IllegalArgumentException(where(line) + ": Match needs criteria");
            }
            boolean result = true;
            for (int i = 0; i < a.size(); i++) {
                String criterion = a.get(i).toLowerCase(Locale.ROOT);
                boolean negated = criterion.startsWith("!");
                if (negated) {
                    criterion = criterion.substring(1);
                }
                boolean m;
                switch (criterion) {
                    case "all" -> m = true;
                    case "canonical", "final" -> {
                        wantFinal = true;
                        m = finalPass;
                    }
                    default -> {
                        if (i + 1 >= a.size()) {
                            throw new IllegalArgumentException(where(line) + ": Match " + criterion + " needs an argument");
                        }
                        String arg = a.get(++i);
                        m = switch (criterion) {
                            case "host" -> Patterns.matchList(arg, currentHostName(), true);
                            case "originalhost" -> Patterns.matchList(arg, originalHost, true);
                            case "user" -> Patterns.matchList(arg, currentUser(), false);
                            case "localuser" -> Patterns.matchList(arg, localUser, false);
                            case "exec" -> exec(arg);
                            case "localnetwork", "tagged", "command", "version", "sessiontype" -> false;
                            default -> throw new IllegalArgumentException(where(line) + ": unknown Match criterion '"
                                    + criterion + "'");
                        };
                    }
                }
                result &= negated != m;
            }
            return result;
        }

        private String currentHostName() {
            List<String> h = values.get("hostname");
            return h == null ? originalHost : h.get(0).replace("%h", originalHost);
        }

        private String currentUser() {
            List<String> u = values.get("user");
            return u == null ? defaultUser : u.get(0);
        }

        private boolean exec(String command) throws IOException {
            Process p = new ProcessBuilder("/bin/sh", "-c", expand(command))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running Match exec", e);
            }
        }

        private List<Path> expandInclude(String pattern) throws IOException {
            String expanded = expand(pattern);
            Path p = Path.of(expanded);
            if (!p.isAbsolute()) {
                p = home.resolve(".ssh").resolve(expanded);
            }
            String name = p.getFileName().toString();
            if (!name.contains("*") && !name.contains("?")) {
                return Files.exists(p) ? List.of(p) : List.of();
            }
            List<Path> found = new ArrayList<>();
            if (Files.isDirectory(p.getParent())) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(p.getParent(), name)) {
                    ds.forEach(found::add);
                }
            }
            found.sort(null);
            return found;
        }

        /** Expands {@code ~/}, {@code %%}, {@code %d}, {@code %u}, {@code %h}, {@code %n}, {@code %r}, {@code %p}. */
        String expand(String s) {
            String t = s.startsWith("~/") ? home + s.substring(1) : s.equals("~") ? home.toString() : s;
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c != '%' || i + 1 >= t.length()) {
                    out.append(c);
                    continue;
                }
                char k = t.charAt(++i);
                switch (k) {
                    case '%' -> out.append('%');
                    case 'd' -> out.append(home);
                    case 'u' -> out.append(localUser);
                    case 'h' -> out.append(currentHostName());
                    case 'n' -> out.append(originalHost);
                    case 'r' -> out.append(currentUser());
                    case 'p' -> {
                        List<String> port = values.get("port");
                        out.append(port == null ? "22" : port.get(0));
                    }
                    default -> out.append('%').append(k);
                }
            }
            return out.toString();
        }
    }

    /**
     * Expands {@code ~} and the {@code %} tokens in a file name option (IdentityFile, UserKnownHostsFile)
     * for a resolved destination.
     *
     * @param resolved the destination's options
     * @param user     the user who logs in
     * @param value    the option's value
     * @return the expanded path
     */
    public Path expandPath(Resolved resolved, String user, String value) {
        Map<String, List<String>> v = resolved.values();
        Pass p = new Pass(resolved.originalHost(), user, v, true);
        return Path.of(p.expand(value));
    }

    private static String where(Line line) {
        return "ssh config " + line.file() + ":" + line.number();
    }

    /** Splits a line into a lower-case keyword and arguments ({@code key value}, {@code key=value}, quotes). */
    private static Line tokenize(String raw, Path file, int number) {
        String s = raw.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean inToken = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inToken = true;
            } else if (!quoted && (Character.isWhitespace(c) || (c == '=' && tokens.isEmpty()))) {
                if (inToken) {
                    tokens.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else if (!quoted && c == '#' && !inToken) {
                break;
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("ssh config " + file + ":" + number + ": unterminated quote");
        }
        if (inToken) {
            tokens.add(cur.toString());
        }
        return new Line(tokens.get(0).toLowerCase(Locale.ROOT), List.copyOf(tokens.subList(1, tokens.size())), file, number);
    }
}

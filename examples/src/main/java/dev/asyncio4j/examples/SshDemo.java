package dev.asyncio4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.ssh.SSH;
import dev.asyncio4j.ssh.SSHClientConnection;
import dev.asyncio4j.ssh.SSHOptions;
import dev.asyncio4j.ssh.SSHServer;
import dev.asyncio4j.ssh.SSHServerOptions;
import dev.asyncio4j.ssh.SSHServerProcess;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Where the SSH examples connect: by default an embedded {@link SSHServer} standing in for the
 * seed's server (it answers {@code dmidecode -t system}, also under {@code sudo -S}, with a canned
 * record, since the real tool needs root), or the host named on the command line:
 * {@code [host [port [user]]]}, with the password from {@code $ASYNCIO4J_SSH_PASSWORD} or the
 * console, never from the arguments.
 */
final class SshDemo {
    /** The user of the embedded server. */
    static final String USER = "demo";

    /** What the embedded server answers to {@code dmidecode -t system}. */
    static final String SYSTEM_RECORD = """
            # dmidecode 3.5
            Handle 0x0001, DMI type 1, 27 bytes
            System Information
            \tManufacturer: asyncio4j
            \tProduct Name: Embedded SSHServer
            \tSerial Number: 0000-DEMO
            """;

    private static final String SUDO_PREFIX = "sudo -S -p '' -- sh -c ";

    /** What an example does once connected. */
    @FunctionalInterface
    interface Session {
        /**
         * Uses the connection.
         *
         * @param conn     the connection
         * @param password the login password (the seed uses it for sudo too)
         * @throws Exception any failure
         */
        void use(SSHClientConnection conn, String password) throws Exception;
    }

    private SshDemo() {
    }

    /**
     * Connects as the arguments say and runs {@code session}; a connection failure is printed as the
     * seed prints it.
     *
     * @param password the remote host's password, or {@code null} to take it from
     *                 {@code $ASYNCIO4J_SSH_PASSWORD} or the console (unused for the embedded server)
     * @return 0, or 1 after {@code SSH connection failed: ...}
     */
    static int run(PrintStream err, List<String> args, String password, Session session) {
        try {
            Asyncio.run(() -> {
                if (args.isEmpty()) {
                    embedded(session);
                } else {
                    remote(args, password, session);
                }
                return null;
            });
            return 0;
        } catch (Exception e) { // Asyncio.run rethrows the program's IOException unchanged
            if (e instanceof IOException) {
                err.println("SSH connection failed: " + e.getMessage());
                return 1;
            }
            throw e;
        }
    }

    private static void embedded(Session session) throws Exception {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        SSHServerOptions serverOptions = SSHServerOptions.defaults().password(USER, password)
                .handler(p -> serve(p, password));
        Path knownHosts = Files.createTempFile("asyncio4j-demo-known_hosts", "");
        try (SSHServer server = SSH.listen(serverOptions)) {
            Files.writeString(knownHosts, server.knownHostsLine() + "\n");
            SSHOptions options = SSHOptions.defaults().port(server.port()).username(USER).password(password)
                    .noConfig().agent(false).knownHosts(knownHosts);
            try (SSHClientConnection conn = SSH.connect(server.host(), options)) {
                session.use(conn, password);
            }
        } finally {
            Files.deleteIfExists(knownHosts);
        }
    }

    private static void remote(List<String> args, String given, Session session) throws Exception {
        SSHOptions options = SSHOptions.defaults();
        if (args.size() > 1) {
            options = options.port(Integer.parseInt(args.get(1)));
        }
        if (args.size() > 2) {
            options = options.username(args.get(2));
        }
        String password = given != null ? given : System.getenv("ASYNCIO4J_SSH_PASSWORD");
        if (password == null) {
            Console console = System.console();
            if (console == null) {
                throw new IOException("no password: set ASYNCIO4J_SSH_PASSWORD or run from a terminal");
            }
            password = new String(console.readPassword("password for %s: ", args.get(0)));
        }
        try (SSHClientConnection conn = SSH.connect(args.get(0), options.password(password))) {
            session.use(conn, password);
        }
    }

    /** The embedded server's commands: dmidecode, directly or under a sudo that checks the password. */
    private static void serve(SSHServerProcess p, String password) throws IOException {
        String command = p.command();
        if (command.startsWith(SUDO_PREFIX)) {
            byte[] given = p.stdin().readline();
            byte[] expected = (password + "\n").getBytes(UTF_8);
            if (!MessageDigest.isEqual(sha256(given), sha256(expected))) {
                p.stderr().write("Sorry, try again.\nsudo: 1 incorrect password attempt\n".getBytes(UTF_8));
                p.exit(1);
                return;
            }
            command = unquote(command.substring(SUDO_PREFIX.length()));
        }
        if (command.equals("dmidecode -t system")) {
            p.stdout().write(SYSTEM_RECORD.getBytes(UTF_8));
            p.exit(0);
        } else {
            p.stderr().write(("sh: 1: " + command.split(" ")[0] + ": not found\n").getBytes(UTF_8));
            p.exit(127);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Undoes sh single-quoting: {@code 'a'\''b'} is {@code a'b}. */
    private static String unquote(String quoted) {
        StringBuilder out = new StringBuilder();
        boolean inQuote = false;
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '\'') {
                inQuote = !inQuote;
            } else if (c == '\\' && !inQuote && i + 1 < quoted.length()) {
                out.append(quoted.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

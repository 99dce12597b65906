package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.ssh.SshdEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real ssh-agent started by the test, with keys added by ssh-add. */
class AgentClientTest {
    @TempDir
    Path dir;
    private Process agent;
    private Path socket;

    @BeforeEach
    void startAgent() throws Exception {
        SshdEnv.requireProgram("/usr/bin/ssh-agent");
        SshdEnv.requireProgram("/usr/bin/ssh-add");
        socket = dir.resolve("agent.sock");
        agent = new ProcessBuilder("/usr/bin/ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        for (int i = 0; i < 200 && !Files.exists(socket); i++) {
            Thread.sleep(25);
        }
        assertThat(socket).exists();
    }

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null) {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void keygenAndAdd(String type, String name) throws Exception {
        Path key = dir.resolve(name);
        run("/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-C", name, "-f", key.toString());
        run("/usr/bin/ssh-add", "-q", key.toString());
    }

    private void run(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
    }

    @Test
    void emptyAgentListsNothing() throws Exception {
        try (AgentClient client = new AgentClient(socket)) {
            assertThat(client.getIdentities()).isEmpty();
        }
    }

    /** Every key type the agent holds is listed with its comment and signs verifiably. */
    @Test
    void listsAndSignsWithEachKeyType() throws Exception {
        keygenAndAdd("ed25519", "k_ed25519");
        keygenAndAdd("ecdsa", "k_ecdsa");
        keygenAndAdd("rsa", "k_rsa");
        byte[] data = "session id and request".getBytes(StandardCharsets.UTF_8);
        try (AgentClient client = new AgentClient(socket)) {
            List<Map.Entry<PublicKey, String>> ids = client.getIdentities();
            assertThat(ids).extracting(Map.Entry::getValue).containsExactlyInAnyOrder("k_ed25519", "k_ecdsa", "k_rsa");
            for (Map.Entry<PublicKey, String> id : ids) {
                PublicKey key = id.getKey();
                assertThat(key).isEqualTo(publicKeyOf(dir.resolve(id.getValue() + ".pub")));
                String algo = key.getAlgorithm().equals("RSA") ? "rsa-sha2-512" : KeyUtils.getKeyType(key);
                Map.Entry<String, byte[]> sig = client.sign(null, key, algo, data);
                assertThat(sig.getKey()).isEqualTo(algo);
                Signature verifier = BuiltinSignatures.fromFactoryName(algo).create();
                verifier.initVerifier(null, key);
                verifier.update(null, data);
                assertThat(verifier.verify(null, sig.getValue())).as(algo).isTrue();
                data[0]++;
                Signature tampered = BuiltinSignatures.fromFactoryName(algo).create();
                tampered.initVerifier(null, key);
                tampered.update(null, data);
                assertThat(tampered.verify(null, sig.getValue())).as("tampered " + algo).isFalse();
            }
        }
    }

    /** Asking to sign with a key the agent does not hold is a clear failure, not a hang. */
    @Test
    void signWithUnknownKeyFails() throws Exception {
        keygenAndAdd("ed25519", "held");
        run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("other").toString());
        PublicKey other = publicKeyOf(dir.resolve("other.pub"));
        try (AgentClient client = new AgentClient(socket)) {
            assertThatThrownBy(() -> client.sign(null, other, "ssh-ed25519", new byte[] {1}))
                    .isInstanceOf(IOException.class).hasMessageContaining("refused to sign");
        }
    }

    @Test
    void missingSocketIsAClearError() {
        AgentClient client = new AgentClient(dir.resolve("nope.sock"));
        assertThatThrownBy(client::getIdentities).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot reach ssh-agent at " + dir.resolve("nope.sock"));
    }

    @Test
    void rsaFlags() {
        assertThat(AgentClient.flagsFor("rsa-sha2-256")).isEqualTo(2);
        assertThat(AgentClient.flagsFor("rsa-sha2-512")).isEqualTo(4);
        assertThat(AgentClient.flagsFor("ssh-ed25519")).isZero();
    }

    private static PublicKey publicKeyOf(Path pub) throws Exception {
        return org.apache.sshd.common.config.keys.PublicKeyEntry.parsePublicKeyEntry(Files.readString(pub).strip())
                .resolvePublicKey(null, Map.of(), null);
    }
}

package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerCompatTest {
    /** Dropbear 2022.82 to 2024.85 get one session channel at a time; every other server what was asked. */
    @ParameterizedTest
    @CsvSource({
        "SSH-2.0-dropbear_2022.83, 1",
        "SSH-2.0-dropbear_2022.82, 1",
        "SSH-2.0-dropbear_2024.85, 1",
        "SSH-2.0-dropbear_2024.86, 10",
        "SSH-2.0-dropbear_2025.88, 10",
        "SSH-2.0-dropbear_2020.81, 10",
        "SSH-2.0-dropbear_2019.78, 10",
        "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10, 10",
        "SSH-2.0-AsyncSSH_2.10.1, 10",
        "SSH-2.0-APACHE-SSHD-2.20.0, 10",
        "SSH-2.0-dropbear, 10",
        "'', 10",
    })
    void sessionCap(String version, int expected) {
        assertThat(ServerCompat.sessionCap(version, 10)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1", "3"})
    void aSmallerRequestStands(int requested) {
        assertThat(ServerCompat.sessionCap("SSH-2.0-OpenSSH_9.2p1", requested)).isEqualTo(requested);
        assertThat(ServerCompat.sessionCap(null, requested)).isEqualTo(requested);
        assertThat(ServerCompat.sessionCap("SSH-2.0-dropbear_2022.83", requested)).isEqualTo(1);
    }
}

package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.ssh.SSHOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorTest {
    @TempDir
    Path dir;

    /** The config's ServerAliveInterval / ServerAliveCountMax apply unless keepalive(...) was set. */
    @Test
    void keepaliveFromConfigUnlessTheOptionsSetIt() throws Exception {
        Path config = Files.writeString(dir.resolve("config"), """
                Host 127.0.0.1
                  ServerAliveInterval 20
                  ServerAliveCountMax 4
                """);
        SSHOptions o = SSHOptions.defaults().configFile(config).agent(false).clientKeys(List.of())
                .knownHosts(dir.resolve("known_hosts"));
        Connector.Plan fromConfig = Connector.plan("127.0.0.1", o, false);
        assertThat(fromConfig.keepalive()).isEqualTo(Duration.ofSeconds(20));
        assertThat(fromConfig.keepaliveMax()).isEqualTo(4);
        Connector.Plan fromOptions = Connector.plan("127.0.0.1", o.keepalive(Duration.ofSeconds(5), 1), false);
        assertThat(fromOptions.keepalive()).isEqualTo(Duration.ofSeconds(5));
        assertThat(fromOptions.keepaliveMax()).isEqualTo(1);
        assertThat(Connector.plan("127.0.0.1", o.noConfig(), false).keepalive()).isNull();
    }
}

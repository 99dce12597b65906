package dev.asyncio4j.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SSHExceptionTest {

    /** One catch (IOException) covers every SSH error, as the seed's except (OSError, asyncssh.Error). */
    @Test
    void everyErrorIsAnIOException() {
        assertThat(new PermissionDenied("denied", null)).isInstanceOf(DisconnectError.class).isInstanceOf(IOException.class);
        assertThat(new ConnectionLost("lost", null)).isInstanceOf(DisconnectError.class);
        assertThat(new HostKeyNotVerifiable(HostKeyNotVerifiable.Reason.UNKNOWN, "h", "fp", "msg"))
                .isInstanceOf(DisconnectError.class);
        assertThat(new ChannelOpenError(ChannelOpenError.CONNECT_FAILED, "no", null)).isInstanceOf(SSHException.class);
    }

    /** Each DisconnectError subclass carries its RFC 4253 reason code. */
    @Test
    void disconnectCodes() {
        assertThat(new PermissionDenied("denied", null).code()).isEqualTo(14);
        assertThat(new ConnectionLost("lost", null).code()).isEqualTo(10);
        assertThat(new HostKeyNotVerifiable(HostKeyNotVerifiable.Reason.CHANGED, "h", "fp", "m").code()).isEqualTo(9);
        DisconnectError d = new DisconnectError(2, "protocol error");
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.reason()).isEqualTo("protocol error").isEqualTo(d.getMessage());
    }

    /** ProcessError carries the whole completed process and says how it ended. */
    @Test
    void processErrorCarriesTheProcess() {
        var p = new SSHCompletedProcess("false", 1, null, "out".getBytes(StandardCharsets.UTF_8),
                "err".getBytes(StandardCharsets.UTF_8));
        ProcessError e = new ProcessError(p);
        assertThat(e.getMessage()).isEqualTo("Command 'false' exited with status 1");
        assertThat(e.exitStatus()).isEqualTo(1);
        assertThat(e.returncode()).isEqualTo(1);
        assertThat(e.stdout()).isEqualTo("out");
        assertThat(e.stderr()).isEqualTo("err");
        assertThat(e.process()).isSameAs(p);
    }

    /** A process killed by a signal has no exit status and a negative returncode, as in asyncssh. */
    @Test
    void signalledProcess() {
        var p = new SSHCompletedProcess("sleep 9", null, "KILL", new byte[0], new byte[0]);
        assertThat(p.returncode()).isEqualTo(-9);
        assertThat(new ProcessError(p).getMessage()).isEqualTo("Command 'sleep 9' was killed by signal KILL");
    }

    /** Output is decoded as UTF-8; the raw bytes stay available and cannot be modified from outside. */
    @Test
    void outputDecodingAndRawBytes() {
        byte[] raw = {(byte) 0xc3, (byte) 0xa9, (byte) 0xff};
        var p = new SSHCompletedProcess("x", 0, null, raw, new byte[0]);
        assertThat(p.stdout()).isEqualTo("é\uFFFD");
        p.stdoutBytes()[0] = 0;
        assertThat(p.stdoutBytes()).containsExactly(raw);
        assertThat(p.toString()).contains("stdout=3 bytes");
    }
}

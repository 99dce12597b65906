package dev.asyncio4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** asyncio's add_reader/add_writer behaviours (test_events' reader/writer cases) on NIO channels. */
class ChannelWatchTest {
    private EventLoop loop;
    private Pipe pipe;

    @BeforeEach
    void setUp() throws IOException {
        loop = Asyncio.newEventLoop();
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
    }

    @AfterEach
    void tearDown() throws IOException {
        loop.close();
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void readerRunsWhenDataArrivesAndStopsWhenRemoved() throws Exception {
        List<String> got = new ArrayList<>();
        Future<Void> done = loop.createFuture();
        ByteBuffer buf = ByteBuffer.allocate(64);
        loop.addReader(pipe.source(), () -> {
            buf.clear();
            try {
                int n = pipe.source().read(buf);
                if (n < 0) {
                    assertThat(loop.removeReader(pipe.source())).isTrue();
                    done.setResult(null);
                    return;
                }
                got.add(new String(buf.array(), 0, n));
            } catch (IOException e) {
                done.setException(e);
            }
        });
        loop.callLater(java.time.Duration.ofMillis(10), () -> write("abc"));
        loop.callLater(java.time.Duration.ofMillis(20), () -> write("def"));
        loop.callLater(java.time.Duration.ofMillis(30), this::closeSink);
        loop.runUntilComplete(done);
        assertThat(String.join("", got)).isEqualTo("abcdef");
        assertThat(loop.removeReader(pipe.source())).as("already removed").isFalse();
    }

    @Test
    void writerRunsWhileTheChannelIsWritable() {
        int[] calls = {0};
        loop.addWriter(pipe.sink(), () -> {
            if (++calls[0] == 3) {
                loop.removeWriter(pipe.sink());
                loop.stop();
            }
        });
        loop.runForever();
        assertThat(calls[0]).isEqualTo(3);
        assertThat(loop.removeWriter(pipe.sink())).isFalse();
    }

    @Test
    void addingAReaderAgainReplacesTheCallback() {
        List<String> calls = new ArrayList<>();
        loop.addReader(pipe.source(), () -> calls.add("first"));
        loop.addReader(pipe.source(), () -> {
            calls.add("second");
            loop.removeReader(pipe.source());
            loop.stop();
        });
        write("x");
        loop.runForever();
        assertThat(calls).containsExactly("second");
    }

    @Test
    void removingAndAddingBeforeTheNextSelectWorks() {
        List<String> calls = new ArrayList<>();
        loop.addReader(pipe.source(), () -> calls.add("old"));
        assertThat(loop.removeReader(pipe.source())).isTrue();
        loop.addReader(pipe.source(), () -> {
            calls.add("new");
            loop.removeReader(pipe.source());
            loop.stop();
        });
        write("x");
        loop.runForever();
        assertThat(calls).containsExactly("new");
    }

    @Test
    void aFailingCallbackGoesToTheExceptionHandlerAndTheLoopGoesOn() {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        loop.addReader(pipe.source(), () -> {
            loop.removeReader(pipe.source());
            loop.callSoon(loop::stop);
            throw new IllegalStateException("boom");
        });
        write("x");
        loop.runForever();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get("exception")).isInstanceOf(IllegalStateException.class);
        assertThat((String) reports.get(0).get("message")).contains("reader");
    }

    @Test
    void aChannelOwnedByATransportCannotBeWatched() {
        loop.runUntilComplete(loop.createTask(() -> {
            var server = Asyncio.startServer((r, w) -> w.close(), "127.0.0.1", 0);
            var conn = Asyncio.openConnection("127.0.0.1", server.port());
            SocketChannel ch = (SocketChannel) conn.writer().getExtraInfo("socket");
            assertThatThrownBy(() -> loop.addReader(ch, () -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("used by");
            conn.close();
            server.close();
            return null;
        }));
    }

    @Test
    void watchingFromAForeignThreadIsRefusedWhileTheLoopRuns() throws Exception {
        Throwable[] seen = new Throwable[1];
        loop.callSoon(() -> {
            Thread t = new Thread(() -> {
                try {
                    loop.addReader(pipe.source(), () -> { });
                } catch (Throwable e) {
                    seen[0] = e;
                }
            });
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.stop();
        });
        loop.runForever();
        assertThat(seen[0]).isInstanceOf(IllegalStateException.class);
    }

    private void write(String s) {
        try {
            pipe.sink().write(ByteBuffer.wrap(s.getBytes()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void closeSink() {
        try {
            pipe.sink().close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

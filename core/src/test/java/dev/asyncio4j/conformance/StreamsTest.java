package dev.asyncio4j.conformance;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.IncompleteReadError;
import dev.asyncio4j.LimitOverrunError;
import dev.asyncio4j.StreamProtocol;
import dev.asyncio4j.StreamReader;
import dev.asyncio4j.StreamWriter;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/*
 * Behaviours of CPython's Lib/test/test_asyncio/test_streams.py (python/cpython at
 * 0004686fcbf7439d9f01b877360b680a13077ea5, plus the 3.13 multi-separator readuntil) that need no
 * socket: the StreamReader's buffer, limits, EOF and exceptions, and the writer's drain. Where asyncio
 * inspects the private _buffer, these tests read what is left instead. The socket cases are in
 * StreamsNetTest.
 */
class StreamsTest {
    private static final byte[] DATA = b("line1\nline2\nline3\n");

    private static byte[] b(String s) {
        return s.getBytes(US_ASCII);
    }

    private static String s(byte[] b) {
        return new String(b, US_ASCII);
    }

    private static <T> T run(Coroutine<T> main) {
        return Asyncio.run(main);
    }

    /* What the reader still buffers (the test ends the stream to read it). */
    private static String rest(StreamReader stream) throws IOException {
        stream.feedEof();
        return s(stream.read(-1));
    }

    /* A writer on a fake transport whose protocol has been told connectionMade. */
    private static StreamWriter connectedWriter(FakeTransport transport, StreamProtocol protocol) {
        protocol.connectionMade(transport);
        return new StreamWriter(transport, protocol, null);
    }

    @FunctionalInterface
    private interface Read {
        byte[] apply(StreamReader reader) throws IOException;
    }

    /* test_read_exception and its readline/readexactly twins: data first, then the failure, every time. */
    private static void checkFailureAfterRead(Read read, String first) {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("line\n"));
            assertThat(s(read.apply(stream))).isEqualTo(first);
            IOException boom = new IOException("boom");
            stream.setException(boom);
            assertThatThrownBy(() -> read.apply(stream)).isSameAs(boom);
            assertThatThrownBy(() -> read.apply(stream)).isSameAs(boom);
            return null;
        });
    }

    private static void later(Runnable r) {
        Asyncio.getRunningLoop().callSoon(r);
    }

    @Test
    void testFeedEmptyData() {
        StreamReader stream = new StreamReader();
        stream.feedData(new byte[0]);
        assertThat(stream).hasToString("<StreamReader>");
    }

    @Test
    void testFeedNonemptyData() {
        StreamReader stream = new StreamReader();
        stream.feedData(DATA);
        assertThat(stream).hasToString("<StreamReader 18 bytes>");
    }

    @Test
    void testReadZero() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(DATA);
            assertThat(stream.read(0)).isEmpty();
            assertThat(rest(stream)).isEqualTo(s(DATA));
            return null;
        });
    }

    @Test
    void testRead() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> read = Asyncio.createTask(() -> stream.read(30));
            later(() -> stream.feedData(DATA));
            assertThat(s(Asyncio.await(read))).isEqualTo(s(DATA));
            assertThat(rest(stream)).isEmpty();
            return null;
        });
    }

    @Test
    void testReadLineBreaks() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("line1"));
            stream.feedData(b("line2"));
            assertThat(s(stream.read(5))).isEqualTo("line1");
            assertThat(rest(stream)).isEqualTo("line2");
            return null;
        });
    }

    @Test
    void testReadEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> read = Asyncio.createTask(() -> stream.read(1024));
            later(stream::feedEof);
            assertThat(Asyncio.await(read)).isEmpty();
            assertThat(stream.atEof()).isTrue();
            return null;
        });
    }

    @Test
    void testReadUntilEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> read = Asyncio.createTask(() -> stream.read(-1));
            later(() -> {
                stream.feedData(b("chunk1\n"));
                stream.feedData(b("chunk2"));
                stream.feedEof();
            });
            assertThat(s(Asyncio.await(read))).isEqualTo("chunk1\nchunk2");
            assertThat(stream.atEof()).isTrue();
            return null;
        });
    }

    /** read(-1) collects data that arrives in many pieces, larger than the limit, until EOF. */
    @Test
    void testReadAllAcrossManyChunks() {
        run(() -> {
            StreamReader stream = new StreamReader(4);
            Task<byte[]> read = Asyncio.createTask(() -> stream.read(-1));
            for (int i = 0; i < 5; i++) {
                Asyncio.sleep(Duration.ZERO);
                stream.feedData(b("part" + i + ";"));
            }
            stream.feedEof();
            assertThat(s(Asyncio.await(read))).isEqualTo("part0;part1;part2;part3;part4;");
            return null;
        });
    }

    @Test
    void testReadException() {
        checkFailureAfterRead(r -> r.read(2), "li");
    }

    @Test
    void testInvalidLimit() {
        assertThatThrownBy(() -> new StreamReader(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imit");
        assertThatThrownBy(() -> new StreamReader(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imit");
    }

    @Test
    void testReadLimit() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("chunk"));
            assertThat(s(stream.read(5))).isEqualTo("chunk");
            assertThat(rest(stream)).isEmpty();
            return null;
        });
    }

    @Test
    void testReadline() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("chunk1 "));
            Task<byte[]> read = Asyncio.createTask(stream::readline);
            later(() -> {
                stream.feedData(b("chunk2 "));
                stream.feedData(b("chunk3 "));
                stream.feedData(b("\n chunk4"));
            });
            assertThat(s(Asyncio.await(read))).isEqualTo("chunk1 chunk2 chunk3 \n");
            assertThat(rest(stream)).isEqualTo(" chunk4");
            return null;
        });
    }

    @Test
    void testReadlineLimitWithExistingData() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("li"));
            stream.feedData(b("ne1\nline2\n"));
            assertThatThrownBy(stream::readline).isInstanceOf(LimitOverrunError.class);
            assertThat(rest(stream)).isEqualTo("line2\n"); // the over-long line is discarded

            StreamReader noNewline = new StreamReader(3);
            noNewline.feedData(b("li"));
            noNewline.feedData(b("ne1"));
            noNewline.feedData(b("li"));
            assertThatThrownBy(noNewline::readline).isInstanceOf(LimitOverrunError.class);
            assertThat(rest(noNewline)).isEmpty();
            return null;
        });
    }

    @Test
    void testAtEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            assertThat(stream.atEof()).isFalse();
            stream.feedData(b("some data\n"));
            assertThat(stream.atEof()).isFalse();
            stream.readline();
            assertThat(stream.atEof()).isFalse();
            stream.feedData(b("some data\n"));
            stream.feedEof();
            stream.readline();
            assertThat(stream.atEof()).isTrue();
            return null;
        });
    }

    @Test
    void testReadlineLimit() {
        run(() -> {
            StreamReader first = new StreamReader(7);
            later(() -> {
                first.feedData(b("chunk1"));
                first.feedData(b("chunk2"));
                first.feedData(b("chunk3\n"));
                first.feedEof();
            });
            assertThatThrownBy(first::readline).isInstanceOf(LimitOverrunError.class);
            assertThat(rest(first)).isEmpty();

            StreamReader second = new StreamReader(7);
            later(() -> {
                second.feedData(b("chunk1"));
                second.feedData(b("chunk2\n"));
                second.feedData(b("chunk3\n"));
                second.feedEof();
            });
            assertThatThrownBy(second::readline).isInstanceOf(LimitOverrunError.class);
            assertThat(rest(second)).isEqualTo("chunk3\n");

            StreamReader strict = new StreamReader(7);
            strict.feedData(b("1234567\n"));
            assertThat(s(strict.readline())).isEqualTo("1234567\n");
            strict.feedData(b("12345678\n"));
            assertThatThrownBy(strict::readline).isInstanceOf(LimitOverrunError.class);
            strict.feedData(b("12345678"));
            assertThatThrownBy(strict::readline).isInstanceOf(LimitOverrunError.class);
            assertThat(rest(strict)).isEmpty();
            return null;
        });
    }

    @Test
    void testReadlineNolimitNowait() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(java.util.Arrays.copyOfRange(DATA, 0, 6));
            stream.feedData(java.util.Arrays.copyOfRange(DATA, 6, DATA.length));
            assertThat(s(stream.readline())).isEqualTo("line1\n");
            assertThat(rest(stream)).isEqualTo("line2\nline3\n");
            return null;
        });
    }

    @Test
    void testReadlineEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("some data"));
            stream.feedEof();
            assertThat(s(stream.readline())).isEqualTo("some data");
            assertThat(stream.readline()).isEmpty();
            return null;
        });
    }

    @Test
    void testReadlineEmptyEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedEof();
            assertThat(stream.readline()).isEmpty();
            return null;
        });
    }

    @Test
    void testReadlineReadByteCount() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(DATA);
            stream.readline();
            assertThat(s(stream.read(7))).isEqualTo("line2\nl");
            assertThat(rest(stream)).isEqualTo("ine3\n");
            return null;
        });
    }

    @Test
    void testReadlineException() {
        checkFailureAfterRead(r -> r.readline(), "line\n");
    }

    @Test
    void testReaduntilSeparator() {
        StreamReader stream = new StreamReader();
        assertThatThrownBy(() -> stream.readuntil(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Separator should be");
        assertThatThrownBy(() -> stream.readuntil()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void testReaduntilMultiChunks() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("lineAAA"));
            assertThat(s(stream.readuntil(b("AAA")))).isEqualTo("lineAAA");
            stream.feedData(b("lineAAAxxx"));
            assertThat(s(stream.readuntil(b("AAA")))).isEqualTo("lineAAA");
            assertThat(rest(stream)).isEqualTo("xxx");
            return null;
        });
    }

    /** A separator split across feeds, or overlapping itself, is still found at its first end. */
    @Test
    void testReaduntilMultiChunks1() {
        run(() -> {
            StreamReader stream = new StreamReader();
            String[][] cases = {
                {"QWEaa", "XYaa", "a"}, {"QWEaa", "XYa", "aa"}, {"aaa"}, {"Xaaa"}, {"XXX", "a", "a", "a"},
            };
            String[] want = {"QWEaaXYaaa", "QWEaaXYaaa", "aaa", "Xaaa", "XXXaaa"};
            for (int i = 0; i < cases.length; i++) {
                String[] feeds = cases[i];
                Task<byte[]> read = Asyncio.createTask(() -> stream.readuntil(b("aaa")));
                for (String f : feeds) {
                    Asyncio.sleep(Duration.ZERO);
                    stream.feedData(b(f));
                }
                assertThat(s(Asyncio.await(read))).isEqualTo(want[i]);
            }
            assertThat(rest(stream)).isEmpty();
            return null;
        });
    }

    @Test
    void testReaduntilEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("some dataAA"));
            stream.feedEof();
            assertThatThrownBy(() -> stream.readuntil(b("AAA"))).isInstanceOfSatisfying(IncompleteReadError.class, e -> {
                assertThat(s(e.partial())).isEqualTo("some dataAA");
                assertThat(e.expected()).isNegative();
                assertThat(e.getMessage()).contains("undefined expected bytes");
            });
            assertThat(stream.atEof()).isTrue();
            return null;
        });
    }

    @Test
    void testReaduntilLimitFoundSep() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("some dataAA"));
            assertThatThrownBy(() -> stream.readuntil(b("AAA"))).isInstanceOfSatisfying(LimitOverrunError.class, e -> {
                assertThat(e.getMessage()).contains("not found");
                assertThat(e.consumed()).isEqualTo(9); // 11 bytes buffered, + 1 - separator length
            });
            stream.feedData(b("A"));
            assertThatThrownBy(() -> stream.readuntil(b("AAA"))).isInstanceOfSatisfying(LimitOverrunError.class, e -> {
                assertThat(e.getMessage()).contains("is found");
                assertThat(e.consumed()).isEqualTo(9); // where the separator starts
            });
            assertThat(rest(stream)).isEqualTo("some dataAAA"); // readuntil leaves the data buffered
            return null;
        });
    }

    /** 3.13: with several separators the shortest chunk that ends in any of them is returned. */
    @Test
    void testReaduntilMultipleSeparators() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("line 1\nline 2\r"));
            assertThat(s(stream.readuntil(b("\r"), b("\n")))).isEqualTo("line 1\n");
            assertThat(s(stream.readuntil(b("\r"), b("\n")))).isEqualTo("line 2\r");
            stream.feedData(b("AXBC"));
            assertThat(s(stream.readuntil(b("XBC"), b("AX")))).isEqualTo("AX");
            Task<byte[]> read = Asyncio.createTask(() -> stream.readuntil(b("\r\n"), b("END")));
            Asyncio.sleep(Duration.ZERO);
            stream.feedData(b("xEN"));
            Asyncio.sleep(Duration.ZERO);
            assertThat(read.isDone()).isFalse();
            stream.feedData(b("D\r\n"));
            assertThat(s(Asyncio.await(read))).isEqualTo("BCxEND");
            assertThat(rest(stream)).isEqualTo("\r\n");
            return null;
        });
    }

    /** With several separators the limit check uses the one that matched. */
    @Test
    void testReaduntilMultipleSeparatorsLimit() {
        run(() -> {
            StreamReader stream = new StreamReader(4);
            stream.feedData(b("abcdefg!"));
            assertThatThrownBy(() -> stream.readuntil(b("!"), b("?!"))).isInstanceOfSatisfying(LimitOverrunError.class,
                    e -> assertThat(e.consumed()).isEqualTo(7));
            assertThat(rest(stream)).isEqualTo("abcdefg!");
            return null;
        });
    }

    @Test
    void testReadexactlyZeroOrLess() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(DATA);
            assertThat(stream.readexactly(0)).isEmpty();
            assertThatThrownBy(() -> stream.readexactly(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("less than zero");
            assertThat(rest(stream)).isEqualTo(s(DATA));
            return null;
        });
    }

    @Test
    void testReadexactly() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> read = Asyncio.createTask(() -> stream.readexactly(2 * DATA.length));
            later(() -> {
                stream.feedData(DATA);
                stream.feedData(DATA);
                stream.feedData(DATA);
            });
            assertThat(s(Asyncio.await(read))).isEqualTo(s(DATA) + s(DATA));
            assertThat(rest(stream)).isEqualTo(s(DATA));
            return null;
        });
    }

    @Test
    void testReadexactlyLimit() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("chunk"));
            assertThat(s(stream.readexactly(5))).isEqualTo("chunk");
            return null;
        });
    }

    @Test
    void testReadexactlyEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            int n = 2 * DATA.length;
            Task<byte[]> read = Asyncio.createTask(() -> stream.readexactly(n));
            later(() -> {
                stream.feedData(DATA);
                stream.feedEof();
            });
            assertThatThrownBy(() -> Asyncio.await(read)).isInstanceOfSatisfying(IncompleteReadError.class, e -> {
                assertThat(e.partial()).isEqualTo(DATA);
                assertThat(e.expected()).isEqualTo(n);
                assertThat(e).hasMessage("18 bytes read on a total of 36 expected bytes");
            });
            assertThat(stream.atEof()).isTrue();
            return null;
        });
    }

    @Test
    void testReadexactlyException() {
        checkFailureAfterRead(r -> r.readexactly(2), "li");
    }

    @Test
    void testException() {
        StreamReader stream = new StreamReader();
        assertThat(stream.exception()).isNull();
        IOException e = new IOException();
        stream.setException(e);
        assertThat(stream.exception()).isSameAs(e);
    }

    @Test
    void testExceptionWaiter() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> reader = Asyncio.createTask(stream::readline);
            IOException boom = new IOException("boom");
            Asyncio.createTask(() -> {
                stream.setException(boom);
                return null;
            });
            assertThatThrownBy(() -> Asyncio.await(reader)).isSameAs(boom);
            return null;
        });
    }

    /** setException after the waiting reader was cancelled neither fails nor leaves a waiter. */
    @Test
    void testExceptionCancel() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(stream::readline);
            Asyncio.sleep(Duration.ZERO);
            t.cancel();
            Asyncio.sleep(Duration.ZERO);
            IOException boom = new IOException("message");
            stream.setException(boom);
            Asyncio.sleep(Duration.ZERO);
            assertThat(t.isCancelled()).isTrue();
            assertThat(stream.toString()).doesNotContain("waiter");
            assertThatThrownBy(stream::readline).isSameAs(boom);
            return null;
        });
    }

    /** A second task reading while one already waits is a programming error, reported at once. */
    @Test
    void testConcurrentReadersRefused() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> first = Asyncio.createTask(stream::readline);
            Asyncio.sleep(Duration.ZERO);
            assertThatThrownBy(() -> stream.read(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already waiting");
            stream.feedData(b("ok\n"));
            assertThat(s(Asyncio.await(first))).isEqualTo("ok\n");
            return null;
        });
    }

    @Test
    void testFeedDataAfterEofIsRefused() {
        StreamReader stream = new StreamReader();
        stream.feedEof();
        assertThatThrownBy(() -> stream.feedData(b("late"))).isInstanceOf(IllegalStateException.class);
    }

    /** Iterating the lines ends at EOF and yields an unterminated last line as is. */
    @Test
    void testLinesIteration() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("a\nbb\n"));
            later(() -> {
                stream.feedData(b("ccc"));
                stream.feedEof();
            });
            List<String> lines = new ArrayList<>();
            for (byte[] line : stream.lines()) {
                lines.add(s(line));
            }
            assertThat(lines).containsExactly("a\n", "bb\n", "ccc");
            return null;
        });
    }

    @Test
    void testLinesIterationFailure() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("a\n"));
            stream.setException(new IOException("gone"));
            assertThatThrownBy(() -> stream.lines().iterator().hasNext())
                    .isInstanceOf(java.io.UncheckedIOException.class).hasRootCauseMessage("gone");
            return null;
        });
    }

    /** More than twice the limit buffered pauses the transport; reading down to the limit resumes it. */
    @Test
    void testLimitPausesAndResumesTransport() {
        run(() -> {
            FakeTransport transport = new FakeTransport();
            StreamReader stream = new StreamReader(4);
            stream.setTransport(transport);
            stream.feedData(b("12345678"));
            assertThat(transport.log).isEmpty(); // exactly 2 * limit: still reading
            stream.feedData(b("9"));
            assertThat(transport.log).containsExactly("pauseReading");
            stream.read(2);
            assertThat(transport.log).containsExactly("pauseReading"); // 7 left, above the limit
            stream.read(3);
            assertThat(transport.log).containsExactly("pauseReading", "resumeReading"); // 4 left
            assertThatThrownBy(() -> stream.setTransport(transport)).isInstanceOf(IllegalStateException.class);
            return null;
        });
    }

    /** A reader that waits for more resumes a paused transport even when the buffer is large. */
    @Test
    void testWaitingReaderResumesTransport() {
        run(() -> {
            FakeTransport transport = new FakeTransport();
            StreamReader stream = new StreamReader(2);
            stream.setTransport(transport);
            stream.feedData(b("abcdefg"));
            assertThat(transport.isReading()).isFalse();
            Task<byte[]> read = Asyncio.createTask(() -> stream.readuntil(b("!")));
            Asyncio.sleep(Duration.ZERO);
            assertThat(read.isDone()).isTrue(); // over the limit: LimitOverrunError without waiting
            assertThatThrownBy(() -> Asyncio.await(read)).isInstanceOf(LimitOverrunError.class);
            Task<byte[]> exact = Asyncio.createTask(() -> stream.readexactly(10));
            Asyncio.sleep(Duration.ZERO);
            assertThat(transport.isReading()).isTrue();
            stream.feedData(b("hij"));
            assertThat(s(Asyncio.await(exact))).isEqualTo("abcdefghij");
            return null;
        });
    }

    @Test
    void testMultipleDrain() {
        int drained = run(() -> {
            FakeTransport transport = new FakeTransport();
            StreamProtocol protocol = new StreamProtocol(null);
            StreamWriter writer = connectedWriter(transport, protocol);
            protocol.pauseWriting();
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(20), protocol::resumeWriting);
            List<Task<Void>> drainers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                drainers.add(Asyncio.createTask(() -> {
                    writer.drain();
                    return null;
                }));
            }
            Asyncio.sleep(Duration.ZERO);
            assertThat(drainers).noneMatch(Task::isDone);
            return Asyncio.await(Asyncio.gather(drainers)).size();
        });
        assertThat(drained).isEqualTo(10);
    }

    /** A drain waiting when the connection is lost fails with that error; later drains say reset. */
    @Test
    void testDrainFailsOnConnectionLost() {
        run(() -> {
            FakeTransport transport = new FakeTransport();
            StreamProtocol protocol = new StreamProtocol(null);
            StreamWriter writer = connectedWriter(transport, protocol);
            protocol.pauseWriting();
            Task<Void> drain = Asyncio.createTask(() -> {
                writer.drain();
                return null;
            });
            Asyncio.sleep(Duration.ZERO);
            IOException lost = new IOException("lost");
            protocol.connectionLost(lost);
            assertThatThrownBy(() -> Asyncio.await(drain)).isSameAs(lost);
            assertThatThrownBy(writer::drain).isInstanceOf(dev.asyncio4j.ConnectionResetException.class);
            return null;
        });
    }

    @Test
    void testCancelledDrainLeavesNoWaiter() {
        run(() -> {
            FakeTransport transport = new FakeTransport();
            StreamProtocol protocol = new StreamProtocol(null);
            StreamWriter writer = connectedWriter(transport, protocol);
            protocol.pauseWriting();
            Task<Void> drain = Asyncio.createTask(() -> {
                writer.drain();
                return null;
            });
            Asyncio.sleep(Duration.ZERO);
            drain.cancel();
            assertThatThrownBy(() -> Asyncio.await(drain)).isInstanceOf(CancelledError.class);
            protocol.resumeWriting();
            writer.drain(); // returns at once: not paused any more
            return null;
        });
    }

    @Test
    void testWriterPassesBytesAndHalfCloseToTransport() {
        run(() -> {
            FakeTransport transport = new FakeTransport();
            StreamProtocol protocol = new StreamProtocol(null);
            StreamWriter writer = connectedWriter(transport, protocol);
            writer.write(b("ab"));
            writer.writelines(List.of(b("c"), b("de")));
            writer.write(java.nio.ByteBuffer.wrap(b("f")));
            assertThat(s(transport.written.toByteArray())).isEqualTo("abcdef");
            assertThat(writer.canWriteEof()).isTrue();
            writer.writeEof();
            assertThat(writer.isClosing()).isFalse();
            writer.close();
            assertThat(writer.isClosing()).isTrue();
            assertThat(transport.log).containsExactly("writeEof", "close");
            protocol.connectionLost(null);
            writer.waitClosed();
            return null;
        });
    }

    @Test
    void testRepr() {
        assertThat(new StreamReader()).hasToString("<StreamReader>");
        assertThat(new StreamReader(123)).hasToString("<StreamReader limit=123>");
        StreamReader eof = new StreamReader();
        eof.feedEof();
        assertThat(eof).hasToString("<StreamReader eof>");
        StreamReader data = new StreamReader();
        data.feedData(b("data"));
        assertThat(data).hasToString("<StreamReader 4 bytes>");
        StreamReader failed = new StreamReader();
        failed.setException(new IOException("x"));
        assertThat(failed).hasToString("<StreamReader exception=java.io.IOException: x>");
        StreamReader withTransport = new StreamReader();
        withTransport.setTransport(new FakeTransport());
        assertThat(withTransport).hasToString("<StreamReader transport=<Transport>>");
    }

    @Test
    void testReprWaiter() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> read = Asyncio.createTask(stream::readline);
            Asyncio.sleep(Duration.ZERO);
            assertThat(stream).hasToString("<StreamReader waiter>");
            stream.feedEof();
            Asyncio.await(read);
            assertThat(stream).hasToString("<StreamReader eof>");
            return null;
        });
    }

    @Test
    void testIncompleteReadErrorAndLimitOverrunErrorCarryData() {
        IncompleteReadError e = new IncompleteReadError(b("abc"), 10);
        assertThat(s(e.partial())).isEqualTo("abc");
        assertThat(e.expected()).isEqualTo(10);
        assertThat(e).hasMessage("3 bytes read on a total of 10 expected bytes").isInstanceOf(java.io.EOFException.class);
        LimitOverrunError l = new LimitOverrunError("message", 10);
        assertThat(l.consumed()).isEqualTo(10);
        assertThat(l).hasMessage("message").isInstanceOf(IOException.class);
    }
}

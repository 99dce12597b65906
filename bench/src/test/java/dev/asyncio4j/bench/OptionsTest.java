package dev.asyncio4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {
    private static final String USAGE = "--dir DIR -n N --bytes B";

    @Test
    void givenValuesAndDefaults() {
        Options o = new Options(new String[] {"-n", "7", "--bytes", "4294967296"}, USAGE);
        assertThat(o.getInt("-n", 200)).isEqualTo(7);
        assertThat(o.getLong("--bytes", 1)).isEqualTo(1L << 32);
        assertThat(o.get("--dir", "none")).isEqualTo("none");
    }

    @Test
    void unknownNameRefusedWithTheUsage() {
        assertThatThrownBy(() -> new Options(new String[] {"-x", "1"}, USAGE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown argument -x; use " + USAGE);
    }

    @Test
    void nameWithoutValueRefused() {
        assertThatThrownBy(() -> new Options(new String[] {"-n", "1", "--dir"}, USAGE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("missing value after --dir");
    }
}

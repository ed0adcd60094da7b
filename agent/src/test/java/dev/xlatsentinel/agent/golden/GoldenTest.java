package dev.xlatsentinel.agent.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenTest {
    @TempDir
    Path dir;

    @Test
    void aMissingGoldenFileFailsAndIsNotWritten() {
        Path file = dir.resolve("missing.txt");
        assertThatThrownBy(() -> Golden.assertMatches(file, "anything")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("golden file " + file + " is missing");
        assertThat(file).doesNotExist();
    }

    @Test
    void aDifferenceFailsAndAMatchPasses() throws Exception {
        Path file = Files.writeString(dir.resolve("expected.txt"), "one\n");
        assertThatThrownBy(() -> Golden.assertMatches(file, "two\n")).isInstanceOf(AssertionError.class);
        Golden.assertMatches(file, "one\n");
        assertThat(Files.readString(file)).isEqualTo("one\n");
    }
}

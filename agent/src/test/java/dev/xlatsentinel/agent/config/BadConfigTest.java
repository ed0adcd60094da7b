package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.platform.config.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of wrong config files: each file under {@code config/bad/} starts with the
 * exact errors it must produce ({@code # expect: ...} lines, in order), and is rejected whole.
 */
class BadConfigTest {
    private static final Path DIR = Path.of("src/test/resources/config/bad");

    static Stream<String> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void isRejectedWithExactlyTheExpectedErrors(String name) throws IOException {
        Path file = DIR.resolve(name);
        List<String> expected = Files.readAllLines(file).stream().filter(l -> l.startsWith("# expect: "))
                .map(l -> l.substring("# expect: ".length())).toList();
        assertThat(expected).as("expectations in " + name).isNotEmpty();
        String content = Files.readString(file);
        if (!content.contains("KEYFILE")) {
            check(name, content.getBytes(), expected);
            return;
        }
        // Key files are made here: mode bits do not survive git. LONGKEYFILE holds 21 octets,
        // more than any keyed type takes.
        Path key = Files.createTempFile("xs-key", ".key");
        Path longKey = Files.createTempFile("xs-long-key", ".key");
        try {
            Files.writeString(key, "secret\n");
            Files.writeString(longKey, "x".repeat(21) + "\n");
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString(
                    name.contains("world-readable") ? "rw-r--r--" : "rw-------"));
            Files.setPosixFilePermissions(longKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            check(name, content.replace("LONGKEYFILE", longKey.toString()).replace("KEYFILE", key.toString()).getBytes(),
                    expected.stream().map(e -> e.replace("LONGKEYFILE", longKey.toString())
                            .replace("KEYFILE", key.toString())).toList());
        } finally {
            Files.deleteIfExists(key);
            Files.deleteIfExists(longKey);
        }
    }

    private static void check(String name, byte[] content, List<String> expected) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(Path.of(name), content));
        assertThat(e).as(name + " must be rejected").isNotNull();
        assertThat(e.errors()).extracting(FieldError::toString).containsExactlyElementsOf(expected);
    }
}

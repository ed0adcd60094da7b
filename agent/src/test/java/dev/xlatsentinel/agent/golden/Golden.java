package dev.xlatsentinel.agent.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Expected output kept as a file beside the tests. A missing golden file fails the test
 * (it never passes by writing what it was meant to check); {@code -Dgolden.update=true}
 * writes every golden file on purpose: review the diff before committing it.
 */
public final class Golden {
    public static final String UPDATE = "golden.update";

    private Golden() {
    }

    public static void assertMatches(Path file, String actual) throws IOException {
        if (Boolean.getBoolean(UPDATE)) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s is missing: run the test with -D%s=true, then review it", file, UPDATE)
                .exists();
        assertThat(actual).as("output against %s (-D%s=true rewrites it)", file, UPDATE)
                .isEqualTo(Files.readString(file));
    }
}

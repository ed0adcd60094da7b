package dev.xlatsentinel.agent.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Cmd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The .deb this build made, checked as Debian checks packages: lintian reports no error (nor
 * warning), and the files that come from the CLI are in it: a man page naming every
 * command, bash completion that bash accepts, the changelog and the copyright.
 */
class DebianPackageIT {
    private static final Duration LINTIAN = Duration.ofMinutes(3);

    /** The newest .deb in the build directory (jdeb names it after the build's timestamp). */
    private static Path deb() throws IOException {
        Path target = Path.of(System.getProperty("dist.dir")).getParent().getParent();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("xlat-sentinel_.*_all\\.deb"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no .deb in " + target + " (mvn package makes it)"));
        }
    }

    @Test
    void lintianFindsNoErrorAndNoWarning() throws Exception {
        Cmd.Result r = Cmd.exec(LINTIAN, List.of("lintian", "--fail-on", "error,warning", "--tag-display-limit", "0",
                deb().toString()));
        assertThat(r.exit()).as("lintian:\n" + r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContainPattern("(?m)^[EW]: ");
    }

    @Test
    void theManPageCompletionChangelogAndCopyrightAreInIt() throws Exception {
        String contents = Cmd.run("dpkg-deb", "-c", deb().toString());
        assertThat(contents).contains("./usr/share/man/man1/xlat-sentinel.1.gz",
                "./usr/share/bash-completion/completions/xlat-sentinel", "./usr/share/doc/xlat-sentinel/changelog.gz",
                "./usr/share/doc/xlat-sentinel/copyright");
        Path dir = Files.createTempDirectory("xs-deb");
        try {
            Cmd.run("dpkg-deb", "-x", deb().toString(), dir.toString());
            String man = Cmd.run("sh", "-c", "zcat " + dir.resolve("usr/share/man/man1/xlat-sentinel.1.gz"));
            for (String command : List.of("run", "status", "drain", "undrain", "reload", "check\\-config",
                    "render\\-router\\-config", "jool")) {
                assertThat(man).contains(".SS \"xlat\\-sentinel " + command);
            }
            assertThat(man).contains("\\-\\-timeout");
            String complete = Cmd.run("bash", "-c", "source " + dir.resolve(
                    "usr/share/bash-completion/completions/xlat-sentinel") + " && complete -p xlat-sentinel");
            assertThat(complete).contains("xlat-sentinel");
            String version = Cmd.run("dpkg-deb", "-f", deb().toString(), "Version").strip();
            assertThat(Cmd.run("sh", "-c", "zcat " + dir.resolve("usr/share/doc/xlat-sentinel/changelog.gz")))
                    .startsWith("xlat-sentinel (" + version + ") unstable;");
        } finally {
            Cmd.exec(List.of("rm", "-rf", dir.toString()));
        }
    }
}

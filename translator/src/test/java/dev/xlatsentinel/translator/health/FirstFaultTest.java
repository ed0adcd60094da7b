package dev.xlatsentinel.translator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The first fault of an agent's life costs what every later one does (issue 16): from a fault
 * to the DOWN its listener acts on, the health makes and loads no class. A class made there is
 * a lambda's or an indy string concatenation's, made the first time its line runs (0.2-3 ms
 * each, measured: up to 20 ms on the lab's first frozen TAYGA; docs/failover.md "The first
 * fault"). Only a fresh JVM can tell, so {@link FirstFaultRun} runs in one; the
 * {@code -Xlog:class+load} lines in the failure message name what was made.
 */
class FirstFaultTest {
    @Test
    void theFirstFaultOfAnInstanceLoadsNoClassBeforeItsDownIsHeard() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // To a file: thousands of class-load lines would fill a pipe nobody reads until the end.
        Path log = Files.createTempFile("first-fault", ".log");
        String out;
        boolean ended;
        Process p = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Xlog:class+load=info:stdout:none", "-cp", System.getProperty("java.class.path"),
                FirstFaultRun.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // Bounded: the run is a few hundred ms of hand-driven clock.
            ended = p.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            out = Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
        }
        assertThat(ended).as("the run ended").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(madeOrLoaded(lines, "by-events")).as("classes made or loaded from a jar between the fault "
                + "event and DOWN heard").isEmpty();
        assertThat(madeOrLoaded(lines, "by-route")).as("classes made or loaded from a jar between the route "
                + "removal message and DOWN heard").isEmpty();
        assertThat(madeOrLoaded(lines, "by-rounds")).as("classes made or loaded from a jar between the first "
                + "timeout and DOWN heard").isEmpty();
    }

    /**
     * The class-load lines between {@code MARK <instance> fault} and {@code MARK <instance>
     * heard DOWN} but those mapped from the JDK's archive (CDS, "shared objects file": no
     * parsing, no linking to speak of): a hidden class (a lambda's, a method handle's form) or
     * one read from a jar.
     */
    private static List<String> madeOrLoaded(List<String> lines, String instance) {
        int from = lines.indexOf("MARK " + instance + " fault");
        int to = lines.indexOf("MARK " + instance + " heard DOWN");
        assertThat(from).as("marker of the %s fault in:%n%s", instance, String.join("\n", lines)).isNotNegative();
        assertThat(to).as("%s heard DOWN after its fault", instance).isGreaterThan(from);
        return lines.subList(from + 1, to).stream().filter(l -> l.contains(" source: "))
                .filter(l -> !l.endsWith("source: shared objects file")).toList();
    }
}

package dev.xlatsentinel.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.agent.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's commands that need no running agent, and the errors of those that do. */
class CliTest {
    private static final String EXAMPLES = "src/main/config/examples/";

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void checkConfigAcceptsAGoodFileAndSummarisesIt() {
        Run r = run("check-config", EXAMPLES + "jool-seed.yaml");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("ok (3 instances, 3 services, 3 native BFD sessions)");
    }

    @Test
    void checkConfigPrintsEveryErrorAndFails() {
        Run r = run("check-config", "src/test/resources/config/bad/unknown-instance.yaml");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("1 error", "services.nat64.dependsOn[1]: no instance 'jool'");
    }

    @Test
    void renderRouterConfigNeedsADialect() {
        assertThat(run("render-router-config", "-c", EXAMPLES + "tayga-gateway.yaml").exit()).isEqualTo(2);
        Run bird = run("render-router-config", "--bird", "-c", EXAMPLES + "tayga-gateway.yaml");
        assertThat(bird.exit()).isZero();
        assertThat(bird.out()).contains("route 64:ff9b::/96 via 2001:db8:ff::a bfd;", "min rx interval 10 ms;");
    }

    @Test
    void renderRouterConfigRendersAConfigsPartitionPlanForEveryGatewayOfIt() {
        Run bird = run("render-router-config", "--bird", "-c", EXAMPLES + "jool-partitioned.yaml");
        assertThat(bird.exit()).isZero();
        assertThat(bird.out()).contains("protocol static xlat_partitions_2 {", "via 2001:db8:ff::b2 bfd;",
                "If gw1 fails, its 1 part goes to gw2 1; no other part moves.");
        Run check = run("check-config", EXAMPLES + "jool-partitioned.yaml");
        assertThat(check.exit()).isZero();
        assertThat(check.out()).contains("partition plan: 2 parts over 2 gateways, this one is gw1");
    }

    @Test
    void statusWithoutARunningAgentSaysSoAndFails() {
        Run r = run("status", "-s", "/nonexistent/control.sock");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no agent control socket at /nonexistent/control.sock (is xlat-sentinel running?)");
    }

    @Test
    void everyOperatorCommandExplainsItselfWithHelp() {
        for (String command : List.of("status", "drain", "undrain", "reload", "check-config", "render-router-config",
                "run", "version")) {
            Run r = run(command, "--help");
            assertThat(r.exit()).as(command).isZero();
            assertThat(r.out()).as(command).contains("Usage: xlat-sentinel " + command);
        }
        assertThat(run("drain", "-h").out()).contains("--reason=TEXT");
    }

    @Test
    void aFileFarLargerThanAnyConfigIsRefusedWithoutReadingItWhole(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path big = dir.resolve("agent.yaml");
        try (var out = java.nio.file.Files.newBufferedWriter(big)) {
            out.write("# " + "x".repeat(98) + "\n");
            for (int i = 0; i < 50_000; i++) {
                out.write("# " + "x".repeat(98) + "\n");
            }
        }
        Run r = run("check-config", big.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("larger than 4 MiB, not read (a config is at most 4194304 bytes: is this the"
                + " right file?)");
        Run zero = run("check-config", "/dev/zero");
        assertThat(zero.exit()).as("a device that never ends").isEqualTo(1);
        assertThat(zero.err()).contains("larger than 4 MiB");
    }

    @Test
    void drainNeedsAReasonAndATarget() {
        assertThat(run("drain", "lower").exit()).isEqualTo(2);
        assertThat(run("drain", "--reason", "x").exit()).isEqualTo(2);
    }

    @Test
    void joolRunsOnceForEveryJoolInstanceWithItsClientNamespaceAndName() throws Exception {
        var instances = ConfigLoader.load(Path.of(EXAMPLES + "jool-seed.yaml")).config().instances();
        List<JoolCommand.Target> t = JoolCommand.targets(instances, List.of("stats", "display", "--csv"));
        assertThat(t).extracting(JoolCommand.Target::argv).containsExactly(
                List.of("ip", "netns", "exec", "jool", "jool", "-i", "lower", "stats", "display", "--csv"),
                List.of("ip", "netns", "exec", "jool", "jool", "-i", "upper", "stats", "display", "--csv"),
                List.of("ip", "netns", "exec", "jool", "jool_siit", "-i", "siit", "stats", "display", "--csv"));
    }

    @Test
    void versionPrintsTheVersion() {
        assertThat(run("version").out()).startsWith("xlat-sentinel ");
    }
}

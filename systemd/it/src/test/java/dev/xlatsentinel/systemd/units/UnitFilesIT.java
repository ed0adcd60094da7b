package dev.xlatsentinel.systemd.units;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Cmd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every shipped unit passes {@code systemd-analyze verify} silently, and the agent's units
 * stay within the exposure goal of {@code systemd-analyze security}.
 */
class UnitFilesIT {
    /** The goal of issue 5, recorded in docs/systemd.md. */
    static final double EXPOSURE_GOAL = 2.0;

    private static final Logger LOG = LoggerFactory.getLogger(UnitFilesIT.class);
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d)");

    // verify checks that each Exec*= binary exists: the container has the test launcher as
    // /usr/bin/xlat-sentinel, TAYGA and iproute2 from the host, and, because Jool cannot be
    // installed on this kernel, a stand-in /usr/bin/jool that only exists to be found.
    @RegisterExtension
    static final UnitsTestbed bed = new UnitsTestbed("systemd-verify", b -> b
            .executable("/usr/bin/jool", "#!/bin/sh\necho 'stand-in for systemd-analyze verify, not Jool' >&2\nexit 1\n")
            .file("/etc/systemd/system/typo.service", "[Service]\nExecStart=/bin/true\nRestartSecs=1\n"));

    @Test
    void verifyPrintsNothingForAnyShippedUnit() {
        List<String> complaints = new ArrayList<>();
        for (Path file : UnitsTestbed.shippedUnits()) {
            complaints.addAll(verify(instanceOf(file.getFileName().toString())));
        }
        assertThat(complaints).isEmpty();
        assertThat(UnitsTestbed.shippedUnits()).hasSize(5);
        // Control: verify exits 0 on an unknown key and only prints it, which this test catches.
        assertThat(verify("typo.service")).singleElement().asString().contains("exit 0").contains("RestartSecs");
    }

    /** Any exit status but 0 or any output is a complaint. */
    private static List<String> verify(String unit) {
        Cmd.Result r = bed.container().exec("systemd-analyze", "verify", unit);
        if (r.ok() && r.stdout().isBlank() && r.stderr().isBlank()) {
            return List.of();
        }
        return List.of(unit + " (exit " + r.exit() + "): " + r.stdout() + r.stderr());
    }

    @Test
    void theAgentsUnitsStayWithinTheExposureGoal() {
        for (Path file : UnitsTestbed.shippedUnits()) {
            double exposure = exposure(file);
            LOG.info("systemd-analyze security --offline=true {}: exposure {}", file.getFileName(), exposure);
            if (file.getFileName().toString().startsWith("xlat-sentinel")) {
                assertThat(exposure).as(file.toString()).isLessThanOrEqualTo(EXPOSURE_GOAL);
            }
        }
    }

    @Test
    void theExposureFigureDetectsAWeakerUnit() throws Exception {
        // The measurement can fail: the same unit without its sandboxing scores far worse.
        Path weak = Path.of("target", "weak-xlat-sentinel.service");
        Files.createDirectories(weak.getParent());
        Files.writeString(weak, """
                [Service]
                Type=notify
                ExecStart=/usr/bin/xlat-sentinel run -c /etc/xlat-sentinel/agent.yaml
                """);
        assertThat(exposure(weak)).isGreaterThan(EXPOSURE_GOAL);
    }

    /** {@code systemd-analyze security --offline=true FILE}: the overall exposure (0 to 10). */
    static double exposure(Path unitFile) {
        Cmd.Result r = Cmd.exec(List.of("systemd-analyze", "security", "--offline=true", "--no-pager",
                unitFile.toAbsolutePath().toString()));
        Matcher m = EXPOSURE.matcher(r.stdout());
        if (!m.find()) {
            throw new AssertionError("no exposure figure for " + unitFile + ": " + r.stdout() + r.stderr());
        }
        return Double.parseDouble(m.group(1));
    }

    /** A template is verified as an instance (gw1); other units by name. */
    private static String instanceOf(String fileName) {
        return fileName.replace("@.", "@gw1.");
    }
}

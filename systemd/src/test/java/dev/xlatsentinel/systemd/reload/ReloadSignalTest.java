package dev.xlatsentinel.systemd.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xlatsentinel.systemd.notify.NotifyReceiver;
import dev.xlatsentinel.systemd.notify.SdNotify;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadSignalTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aReloadIsBracketedByReloadingAndReady() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.atPath(dir)) {
            boolean ok = ReloadSignal.reload(SdNotify.to(systemd.address()), () -> "configuration 7 loaded");

            assertThat(ok).isTrue();
            assertThat(systemd.receive(WAIT)).startsWith("RELOADING=1\nMONOTONIC_USEC=");
            assertThat(systemd.receive(WAIT)).isEqualTo("READY=1\nSTATUS=configuration 7 loaded");
        }
    }

    @Test
    void aFailedReloadStillEndsWithReadyAndSaysWhyInTheStatus() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.atPath(dir)) {
            boolean ok = ReloadSignal.reload(SdNotify.to(systemd.address()), () -> {
                throw new IllegalArgumentException("services[2].instance: unknown instance nat64-c");
            });

            assertThat(ok).isFalse();
            assertThat(systemd.receive(WAIT)).startsWith("RELOADING=1");
            assertThat(systemd.receive(WAIT)).isEqualTo("READY=1\nSTATUS=reload failed, running configuration kept: "
                    + "services[2].instance: unknown instance nat64-c");
        }
    }

    @Test
    void sighupRunsTheReloadInThisProcess() throws Exception {
        try (NotifyReceiver systemd = NotifyReceiver.atPath(dir)) {
            CountDownLatch reloaded = new CountDownLatch(1);
            boolean installed = ReloadSignal.install(SdNotify.to(systemd.address()), () -> {
                reloaded.countDown();
                return "reloaded";
            });
            // Started with SIGHUP ignored (nohup), the JVM keeps it so, and install says so.
            assertThat(installed).isEqualTo(!sighupIgnoredByThisProcess());
            assumeTrue(installed, "this JVM inherited SIGHUP ignored: the signal cannot reach it");

            new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start().waitFor();

            assertThat(reloaded.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(systemd.receive(WAIT)).startsWith("RELOADING=1");
            assertThat(systemd.receive(WAIT)).isEqualTo("READY=1\nSTATUS=reloaded");
        }
    }

    /** SigIgn of /proc/self/status: a hex mask, bit 0 for signal 1 (SIGHUP). */
    private static boolean sighupIgnoredByThisProcess() throws Exception {
        String mask = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .findFirst().orElseThrow().substring("SigIgn:".length()).strip();
        return (Long.parseUnsignedLong(mask, 16) & 1) != 0;
    }
}

package dev.xlatsentinel.translator.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's counters read from a /proc laid out as the kernel writes it (recorded lines). */
class ProcHostLoadTest {
    @TempDir
    Path dir;

    private Path proc() throws IOException {
        Path proc = dir.resolve("proc");
        Files.createDirectories(proc.resolve("pressure"));
        Files.createDirectories(proc.resolve("net"));
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("pressure/cpu"), "some avg10=28.45 avg60=15.98 avg300=8.12 total=8326777448\n"
                + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        // Two CPUs: processed, dropped, time_squeeze, ... (hexadecimal)
        Files.writeString(proc.resolve("net/softnet_stat"),
                "1abfbec9 00000002 00000094 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n"
                + "1e6ee29a 00000010 0000009e 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n");
        Files.writeString(proc.resolve("4242/schedstat"), "1520338011 73201944 20914\n");
        Files.writeString(proc.resolve("4242/stat"), "4242 (tayga) S 1 4242 4242 0 -1 4194560 187 0 0 0 65 595\n");
        return proc;
    }

    @Test
    void readsPressureBacklogAndTheTranslatorsRunDelay() throws IOException {
        Path proc = proc();
        Path pid = dir.resolve("tayga.pid");
        Files.writeString(pid, "4242\n");
        HostLoad.Reading r = new ProcHostLoad(proc, pid).read();
        assertThat(r.cpuPressureMicros()).isEqualTo(8326777448L);
        assertThat(r.translatorWaitNanos()).isEqualTo(73201944L);
        assertThat(r.backlogDrops()).isEqualTo(0x12);
        assertThat(r.squeezes()).isEqualTo(0x94 + 0x9e);
        assertThat(r.translatorRunNanos()).isEqualTo(1520338011L);
        assertThat(r.translatorRunnable()).isFalse();
    }

    @Test
    void aRunnableTranslatorIsToldByItsStateEvenWithParenthesesInItsName() throws IOException {
        Path proc = proc();
        Path pid = dir.resolve("tayga.pid");
        Files.writeString(pid, "4242\n");
        Files.writeString(proc.resolve("4242/stat"), "4242 (tay) R (x) R 1 4242 4242 0 -1 4194560 187 0 0 0 65 595\n");
        assertThat(new ProcHostLoad(proc, pid).read().translatorRunnable()).isTrue();
        // Stopped (SIGSTOP): T, not runnable.
        Files.writeString(proc.resolve("4242/stat"), "4242 (tayga) T 1 4242 4242 0 -1 4194560 187 0 0 0 65 595\n");
        assertThat(new ProcHostLoad(proc, pid).read().translatorRunnable()).isFalse();
        // No stat file: not known to be runnable.
        Files.delete(proc.resolve("4242/stat"));
        assertThat(new ProcHostLoad(proc, pid).read().translatorRunnable()).isFalse();
    }

    @Test
    void whatTheHostDoesNotProvideIsUnknownNotZero() throws IOException {
        Path proc = proc();
        Files.delete(proc.resolve("pressure/cpu"));
        // Jool: no process; TAYGA gone: its pid file names no process.
        assertThat(new ProcHostLoad(proc, null).read().translatorWaitNanos()).isEqualTo(-1);
        Path pid = dir.resolve("tayga.pid");
        Files.writeString(pid, "999999\n");
        HostLoad.Reading r = new ProcHostLoad(proc, pid).read();
        assertThat(r.cpuPressureMicros()).isEqualTo(-1);
        assertThat(r.translatorWaitNanos()).isEqualTo(-1);
        assertThat(r.cpuWaitSince(r)).isEqualTo(-1);
    }

    @Test
    void aRestartedTranslatorIsFoundAgainByItsPidFile() throws IOException {
        Path proc = proc();
        Path pid = dir.resolve("tayga.pid");
        Files.writeString(pid, "4242\n");
        ProcHostLoad load = new ProcHostLoad(proc, pid);
        HostLoad.Reading before = load.read();
        Files.delete(proc.resolve("4242/schedstat"));
        Files.createDirectories(proc.resolve("5151"));
        Files.writeString(proc.resolve("5151/schedstat"), "1000 5000 3\n");
        Files.writeString(pid, "5151\n");
        HostLoad.Reading after = load.read();
        assertThat(after.translatorWaitNanos()).isEqualTo(5000);
        // The counter went back: no measurement across the restart, only the host's pressure.
        assertThat(after.cpuWaitSince(before)).isZero();
    }

    @Test
    void aPressureFileWithoutItsSomeLineIsNamed() {
        assertThatThrownBy(() -> ProcHostLoad.parsePressure("full avg10=0.00 total=0\n"))
                .hasMessageContaining("/proc/pressure/cpu");
    }
}

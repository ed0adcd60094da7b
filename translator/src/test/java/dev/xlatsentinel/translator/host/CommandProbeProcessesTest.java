package dev.xlatsentinel.translator.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Children under control, with real processes (sh, sleep, head): a command's whole process
 * group goes at its timeout and when it exits, its output is drained while it runs, and
 * many rounds leave no thread, descriptor or process behind.
 */
@Timeout(120)
class CommandProbeProcessesTest {
    private final SystemScheduler scheduler = new SystemScheduler("subprocess-test");
    private final Subprocess sub = new Subprocess(scheduler);
    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void close() {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        scheduler.close();
    }

    private Subprocess.Result run(Duration timeout, String script) throws Exception {
        return sub.run(List.of("sh", "-c", script), timeout).get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
    }

    /** Alive and not a zombie (this machine's PID 1 reaps orphans late: kill -0 is not enough). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private long pidIn(Subprocess.Result r) {
        long pid = Long.parseLong(Subprocess.firstLine(r.stdout()));
        started.add(pid);
        return pid;
    }

    @Test
    void aCommandThatWritesAMegabyteIsDrainedNotBlockedAndItsLinesCounted() throws Exception {
        long start = System.nanoTime();
        Subprocess.Result r = run(Duration.ofSeconds(20), "head -c 1048576 /dev/zero | tr '\\\\0' 'x' | fold -w 99;"
                + " head -c 3000000 /dev/zero >&2; echo done");
        assertThat(r.ok()).as(r.failure()).isTrue();
        // fold leaves the last 67 x's without a newline: "done" ends that line.
        assertThat(r.lines()).isEqualTo(1048576 / 99 + 1);
        assertThat(r.stdout()).hasSizeLessThanOrEqualTo(Subprocess.MAX_KEPT);
        assertThat(r.truncated()).isTrue();
        assertThat(r.stderr()).hasSize(Subprocess.MAX_STDERR);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aBackgroundChildHoldingStdoutDoesNotHoldTheResultAndIsGoneWithTheRound() throws Exception {
        long start = System.nanoTime();
        Subprocess.Result r = run(Duration.ofSeconds(20), "sleep 60 & echo $!");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.ok()).isTrue();
        assertThat(r.outputHeld()).isFalse();
        long child = pidIn(r);
        Poll.until(Duration.ofSeconds(5), "the child gone", () -> !alive(child));
    }

    @Test
    void aDoubleForkedChildIsKilledWithTheGroupAtTheTimeout() throws Exception {
        Path pidFile = Files.createTempFile("grandchild", ".pid");
        try {
            Subprocess.Result r = run(Duration.ofMillis(300), "(sleep 60 & echo $! > " + pidFile + ") ; sleep 60");
            assertThat(r.timedOut()).isTrue();
            long grandchild = Long.parseLong(Files.readString(pidFile).strip());
            started.add(grandchild);
            Poll.until(Duration.ofSeconds(5), "the grandchild gone", () -> !alive(grandchild));
        } finally {
            Files.deleteIfExists(pidFile);
        }
    }

    @Test
    void aChildThatLeftTheGroupAndHoldsStdoutIsNamedNotWaitedFor() throws Exception {
        Path escaped = Files.createTempFile("escaped", ".pid");
        Files.delete(escaped);
        try {
            long start = System.nanoTime();
            // The child leaves the group (its own session) and says so before the command exits.
            Subprocess.Result r = run(Duration.ofSeconds(20), "setsid sh -c 'echo $$ > " + escaped
                    + "; exec sleep 60' & while [ ! -s " + escaped + " ]; do sleep 0.01; done; echo left");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            started.add(Long.parseLong(Files.readString(escaped).strip()));
            assertThat(r.ok()).isTrue();
            assertThat(r.stdout()).isEqualTo("left\n");
            assertThat(r.outputHeld()).isTrue();
        } finally {
            Files.deleteIfExists(escaped);
        }
    }

    @Test
    void manyRoundsOfACommandProbeThatLeavesAChildLeaveNoThreadDescriptorOrProcessBehind() throws Exception {
        CommandProbe probe = new CommandProbe("bg", null, List.of("sh", "-c", "sleep 60 & echo $!"), sub);
        for (int i = 0; i < 5; i++) {
            probe.run(Duration.ofSeconds(10)).get(); // warm up the thread pools
        }
        long threads = Thread.getAllStackTraces().size();
        long fds = openFds();
        List<Long> children = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ProbeResult r = probe.run(Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
            assertThat(r.passed()).isTrue();
            children.add(Long.parseLong(r.reason()));
        }
        started.addAll(children);
        Poll.until(Duration.ofSeconds(10), "every child gone", () -> children.stream().noneMatch(CommandProbeProcessesTest::alive));
        Poll.until(Duration.ofSeconds(10), Poll.DEFAULT_EVERY, "threads and descriptors back to where they were",
                () -> Thread.getAllStackTraces().size() <= threads + 2 && openFds() <= fds + 2,
                () -> "threads " + Thread.getAllStackTraces().size() + " (were " + threads + "), fds " + openFds()
                        + " (were " + fds + ")");
    }

    @Test
    void aMissingCommandIsNamed() throws Exception {
        Subprocess.Result r = sub.run(List.of("/nonexistent/check"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).isEqualTo("'/nonexistent/check' not found");
    }

    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

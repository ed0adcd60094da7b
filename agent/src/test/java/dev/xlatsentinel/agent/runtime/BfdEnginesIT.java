package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Root (CAP_SYS_NICE): agent.bfdRealtimePriority reaches the BFD event loop, and only when set. */
class BfdEnginesIT {
    /** policy and rt_priority (proc(5) stat fields 41 and 40) of the event-loop thread, read on it. */
    private static String policyOfLoop(BfdEngines engines) throws Exception {
        return engines.group().submit(() -> {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[41 - 3] + "/" + f[40 - 3];
        }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theBfdLoopRunsSchedFifoAtTheConfiguredPriority() throws Exception {
        try (BfdEngines engines = new BfdEngines(change -> { }, 6)) {
            engines.engine(null);
            assertThat(policyOfLoop(engines)).as("SCHED_FIFO (1) at priority 6").isEqualTo("1/6");
        }
    }

    @Test
    void withoutTheSettingTheLoopKeepsNormalScheduling() throws Exception {
        try (BfdEngines engines = new BfdEngines(change -> { }, 0)) {
            engines.engine(null);
            assertThat(policyOfLoop(engines)).as("SCHED_OTHER (0)").isEqualTo("0/0");
        }
    }
}

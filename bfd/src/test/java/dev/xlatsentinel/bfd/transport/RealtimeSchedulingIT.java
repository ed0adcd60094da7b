package dev.xlatsentinel.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.BfdEngine;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Root (CAP_SYS_NICE): the engine's event-loop thread really runs SCHED_FIFO when asked, and only then. */
class RealtimeSchedulingIT {
    /** policy and rt_priority (proc(5) stat fields 41 and 40) of every thread whose name starts with {@code prefix}. */
    private static List<int[]> threads(String prefix) throws IOException {
        List<int[]> out = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                String stat = Files.readString(t.resolve("stat"));
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (comm.startsWith(prefix)) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.add(new int[] {Integer.parseInt(f[41 - 3]), Integer.parseInt(f[40 - 3])});
                }
            }
        }
        return out;
    }

    private static void withEngine(String threadPrefix, int priority, Check check) throws IOException {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory(threadPrefix, true), EpollIoHandler.newFactory());
        try (BfdEngine e = BfdEngine.builder().eventLoopGroup(group).realtimePriority(priority).build().start()) {
            check.run(threads(threadPrefix));
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @FunctionalInterface
    private interface Check {
        void run(List<int[]> policyAndPriority);
    }

    @Test
    void eventLoopRunsSchedFifoAtTheGivenPriority() throws IOException {
        withEngine("rtloop", 7, t -> assertThat(t).singleElement()
                .satisfies(p -> assertThat(p).as("SCHED_FIFO (1), priority 7").containsExactly(1, 7)));
    }

    @Test
    void eventLoopStaysAtNormalPriorityByDefault() throws IOException {
        withEngine("plainloop", 0, t -> assertThat(t).singleElement()
                .satisfies(p -> assertThat(p).as("SCHED_OTHER (0)").containsExactly(0, 0)));
    }
}

package dev.xlatsentinel.bfd.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import dev.xlatsentinel.bfd.BfdEngine;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A rough load probe, not a benchmark (that is its own issue, against FRR bfdd): N sessions
 * at 10 ms x 3 between two engines in two namespaces, in this JVM; prints the process CPU
 * (both engines, and the kernel's veth and UDP work charged to it) and packet rates.
 * Runs only when asked: {@code mvn -pl bfd -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=LoadIT -DargLine=-Dload.n=200}.
 */
@EnabledIfSystemProperty(named = "load.n", matches = "\\d+")
class LoadIT {
    @Test
    void sessionsAtTenMillisecondsStayUp() throws Exception {
        int n = Integer.getInteger("load.n");
        try (Lab lab = Lab.open("bfd-load")) {
            Netns na = lab.netns("a");
            Netns nb = lab.netns("b");
            lab.link(na, "eth0", nb, "eth0");
            na.addr("eth0", "2001:db8:40::1/64");
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < n; i++) {
                batch.append("addr add ").append(peer(i)).append("/64 dev eth0 nodad\n");
            }
            nb.run("ip", "-batch", lab.file("addresses", batch.toString()).toString());
            try (BfdEngine a = BfdEngine.builder().socketExecutor(na.executor()).build().start();
                    BfdEngine b = BfdEngine.builder().socketExecutor(nb.executor()).build().start()) {
                for (int i = 0; i < n; i++) {
                    a.addSession(config(peer(i), "2001:db8:40::1"));
                    b.addSession(config("2001:db8:40::1", peer(i)));
                }
                Poll.until(Duration.ofSeconds(60), "all Up",
                        () -> a.snapshots().stream().allMatch(s -> s.state() == State.UP));
                Thread.sleep(2000);
                OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long transitions0 = transitions(a);
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                long tx0 = a.counters().get(Counter.TX_PACKETS);
                Thread.sleep(10_000);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / seconds;
                double tx = (a.counters().get(Counter.TX_PACKETS) - tx0) / seconds;
                long flaps = transitions(a) - transitions0;
                System.out.printf("LOAD sessions=%d cpu=%.0f%% of one core (both engines) tx per engine=%.0f/s"
                        + " transitions in 10 s=%d%n", n, 100 * cpu, tx, flaps);
                assertThat(flaps).isZero();
            }
        }
    }

    private static String peer(int i) {
        return "2001:db8:40::2:" + Integer.toHexString(i + 1);
    }

    private static SessionConfig config(String peer, String local) {
        return SessionConfig.builder().peer(peer).local(local).iface("eth0").interval(Duration.ofMillis(10)).build();
    }

    private static long transitions(BfdEngine e) {
        return e.snapshots().stream().mapToLong(s -> s.counter(Counter.STATE_TRANSITIONS)).sum();
    }
}

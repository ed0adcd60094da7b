package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.lab.Poll;
import dev.xlatsentinel.translator.config.InstanceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Root (CAP_SYS_NICE): agent.detectionRealtimePriority raises exactly the threads on the way
 * from a fault to the wire, built as the agent builds an instance (a watched route probe and
 * an icmp probe in a namespace): the events thread, the probes' timer, the ICMP receivers and
 * the namespace's thread run SCHED_FIFO at the priority; every other thread of the JVM (VM
 * thread, garbage collector, compilers, the test's own) stays at SCHED_OTHER.
 */
class DetectionRealtimeIT {
    private static final int PRIORITY = 4;
    private static Lab lab;
    private static Netns gw;

    @BeforeAll
    static void up() throws IOException {
        String eff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).trim();
        assumeTrue((Long.parseUnsignedLong(eff, 16) & (1L << 23)) != 0, "needs CAP_SYS_NICE");
        lab = Lab.open("rtdetect");
        gw = lab.netns("gw");
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    /** comm (at most 15 characters, proc(5)) -> "policy/rt_priority" of every thread of this JVM. */
    private static Map<String, List<String>> threads() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // ended meanwhile
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.computeIfAbsent(comm, c -> new java.util.ArrayList<>()).add(f[41 - 3] + "/" + f[40 - 3]);
            }
        }
        return out;
    }

    private static String comm(String threadName) {
        return threadName.length() > 15 ? threadName.substring(0, 15) : threadName;
    }

    private InstanceSpec spec(String instance) throws Exception {
        String ns = gw.name();
        LoadedConfig c = ConfigLoader.load(lab.file("agent.yaml", "agent: {detectionRealtimePriority: " + PRIORITY
                + "}\ninstances:\n  " + instance + ":\n    namespace: " + ns + "\n"
                + "    health: {interval: 100ms, timeout: 50ms, rise: 1, fall: 1}\n"
                + "    probes:\n"
                + "      - {type: route, destination: 0.0.0.0/0}\n"
                + "      - {type: icmp, prefix: 64:ff9b::/96, targets: [192.0.2.1], namespace: " + ns + "}\n"
                + "services:\n  nat64:\n    dependsOn: [" + instance + "]\n"
                + "    bfd:\n      - {peer: 2001:db8:ff::1, local: 2001:db8:ff::a, interface: eth0}\n"));
        assertThat(c.config().agent().detectionRealtimePriority()).isEqualTo(PRIORITY);
        return c.config().instances().get(instance);
    }

    @Test
    void theDecidingThreadsRunSchedFifoAndNothingElseDoes() throws Exception {
        InstanceSpec spec = spec("gw");
        try (LiveResources r = new LiveResources(change -> { }, 0, PRIORITY);
                InstanceRuntime instance = r.instance("gw", spec, change -> { })) {
            instance.start();
            List<String> expected = List.of("events-gw", "probes", "icmp6-rx-" + gw.name(), "netns-" + gw.name());
            Poll.until(Duration.ofSeconds(10), "the deciding threads raised: " + expected,
                    () -> r.detection().threadNames().containsAll(expected));
            List<String> raised = expected.stream().map(DetectionRealtimeIT::comm).toList();
            // A namespace thread of an earlier case may still be ending: wait for it to be gone.
            Poll.until(Duration.ofSeconds(10), Poll.DEFAULT_EVERY,
                    "every thread called " + raised + " at SCHED_FIFO " + PRIORITY,
                    () -> raised.stream().allMatch(c -> threadsQuietly().getOrDefault(c, List.of("none")).stream()
                            .allMatch(p -> p.equals("1/" + PRIORITY))), () -> threadsQuietly().toString());
            Map<String, List<String>> all = threads();
            assertThat(all).containsKey("VM Thread");
            all.forEach((c, policies) -> {
                if (!raised.contains(c) && !c.startsWith("bfd-loop")) {
                    assertThat(policies).as("thread %s: SCHED_OTHER", c).allMatch(p -> p.equals("0/0"));
                }
            });
            assertThat(r.detection().demotions()).isZero();
        }
    }

    @Test
    void withoutTheSettingNothingIsRaised() throws Exception {
        InstanceSpec spec = spec("plain");
        try (LiveResources r = new LiveResources(change -> { }, 0, 0);
                InstanceRuntime instance = r.instance("plain", spec, change -> { })) {
            instance.start();
            Poll.until(Duration.ofSeconds(10), "the events thread started",
                    () -> threadsQuietly().containsKey("events-plain"));
            assertThat(threadsQuietly().get("events-plain")).allMatch(p -> p.equals("0/0"));
            assertThat(r.detection().threadNames()).isEmpty();
        }
    }

    private static Map<String, List<String>> threadsQuietly() {
        try {
            return threads();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

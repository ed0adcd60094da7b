package dev.xlatsentinel.translator.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.lab.Cmd;
import dev.xlatsentinel.lab.Daemon;
import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.Netns;
import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.health.HealthChange;
import dev.xlatsentinel.translator.health.HealthPolicy;
import dev.xlatsentinel.translator.health.HealthState;
import dev.xlatsentinel.translator.health.InstanceHealth;
import dev.xlatsentinel.translator.host.InterfaceProbe;
import dev.xlatsentinel.translator.host.ProcessProbe;
import dev.xlatsentinel.translator.host.RouteProbe;
import dev.xlatsentinel.translator.host.Rtnetlink;
import dev.xlatsentinel.translator.host.RtnetlinkMonitor;
import dev.xlatsentinel.translator.netns.NamespacePresence;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel's own announcements, for real, in namespaces the test creates: a process killed
 * (pidfd), a link set down, a route deleted (rtnetlink), a namespace deleted (inotify on
 * /run/netns). Every wait is bounded; rounds are slow (10 s) where a test shows that the event,
 * not a round, saw the fault.
 */
class KernelEventsIT {
    private static final long WAIT_S = 5;

    /** Collects a watched probe's events. */
    private static final class Events implements EventSink {
        final BlockingQueue<ProbeEvent> queue = new LinkedBlockingQueue<>();

        @Override
        public void event(ProbeEvent e) {
            queue.add(e);
        }

        /** The next fault event within the bound (fine events on the way are skipped), or null. */
        ProbeEvent nextFault() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                ProbeEvent e = queue.poll(left, TimeUnit.NANOSECONDS);
                if (e == null || e.fault()) {
                    return e;
                }
            }
            return null;
        }
    }

    @Test
    void aKilledProcessIsReportedThroughItsPidfdWithoutARound() throws Exception {
        try (Lab lab = Lab.open("xlat-pidfd"); SystemScheduler clock = new SystemScheduler("pidfd-it");
                KernelEvents events = KernelEvents.start("events-pidfd-it")) {
            Netns a = lab.netns("a");
            Daemon sleeper = a.start("sleeper", "sleep", "60");
            Path pidFile = lab.file("sleeper.pid", Long.toString(sleeper.pid()));
            ProcessProbe probe = new ProcessProbe("helper", pidFile, null).watching(EventMode.COUNT, clock, events);
            assertThat(probe.run(Duration.ofSeconds(1)).join().passed()).isTrue();
            Events sink = new Events();
            probe.watch(sink);
            // The pidfd is armed on the events thread; an execute() after it runs after the arming.
            BlockingQueue<Boolean> armed = new LinkedBlockingQueue<>();
            events.execute(() -> armed.add(true));
            assertThat(armed.poll(WAIT_S, TimeUnit.SECONDS)).isTrue();
            assertThat(sink.queue).isEmpty();

            sleeper.signal("KILL");
            ProbeEvent e = sink.nextFault();
            assertThat(e).as("fault event after SIGKILL").isNotNull();
            assertThat(e.probe()).isEqualTo("helper");
            assertThat(e.reason()).contains("pid " + sleeper.pid()).endsWith("(seen by a process exit (pidfd))");
        }
    }

    @Test
    void aDownLinkAndADeletedRouteAreReportedFromRtnetlinkAndFeedTheInstanceAtOnce() throws Exception {
        try (Lab lab = Lab.open("xlat-rtnl"); SystemScheduler clock = new SystemScheduler("rtnl-it");
                KernelEvents events = KernelEvents.start("events-rtnl-it")) {
            Netns a = lab.netns("a");
            Netns b = lab.netns("b");
            lab.link(a, "eth0", b, "eth0");
            a.addr("eth0", "100.64.9.1/24");
            b.addr("eth0", "100.64.9.2/24");
            a.awaitOperUp("eth0", Duration.ofSeconds(10));
            a.ip("route", "add", "100.64.100.0/24", "via", "100.64.9.2");
            try (NetworkNamespace ns = NetworkNamespace.open(a.name()); Rtnetlink rtnl = Rtnetlink.open(ns);
                    RtnetlinkMonitor monitor = RtnetlinkMonitor.open(ns, events)) {
                InterfaceProbe link = new InterfaceProbe("egress-link", ns, rtnl, "eth0")
                        .watching(EventMode.COUNT, clock, monitor);
                RouteProbe route = new RouteProbe("egress-route", ns, InetAddress.getByName("100.64.100.0"), 24,
                        null).watching(EventMode.DOWN, clock, monitor);
                assertThat(link.run(Duration.ofSeconds(1)).join().passed()).isTrue();
                assertThat(route.run(Duration.ofSeconds(1)).join().passed()).isTrue();
                // Rounds every 10 s: only an event can see the fault within the test's bound.
                HealthPolicy slow = new HealthPolicy(1, 3, Duration.ofSeconds(10), Duration.ofSeconds(10),
                        Duration.ofSeconds(1), 0);
                BlockingQueue<HealthChange> changes = new LinkedBlockingQueue<>();
                try (InstanceHealth h = new InstanceHealth("lower", slow, List.of(link, route), clock)) {
                    h.addListener(changes::add);
                    h.start();
                    assertThat(changes.poll(WAIT_S, TimeUnit.SECONDS)).extracting(HealthChange::to)
                            .isEqualTo(HealthState.UP);

                    a.ip("route", "del", "100.64.100.0/24");
                    HealthChange down = changes.poll(WAIT_S, TimeUnit.SECONDS);
                    assertThat(down).as("DOWN from the route removal event (onEvent: down)").isNotNull();
                    assertThat(down.to()).isEqualTo(HealthState.DOWN);
                    assertThat(down.reason()).startsWith("egress-route: no IPv4 route 100.64.100.0/24")
                            .endsWith("(seen by a route removal event) (onEvent: down)");
                }

                // The link's own events, straight from the monitor: down, and the probe's look says why.
                Events sink = new Events();
                link.watch(sink);
                a.ip("link", "set", "eth0", "down");
                ProbeEvent e = sink.nextFault();
                assertThat(e).as("fault event after 'ip link set eth0 down'").isNotNull();
                assertThat(e.reason()).contains("eth0").endsWith("(seen by a link event)");
                assertThat(monitor.overruns()).isZero();
            }
        }
    }

    @Test
    void aDeletedNamespaceIsSeenThroughInotifyOnRunNetns() throws Exception {
        try (Lab lab = Lab.open("xlat-nsdel"); KernelEvents events = KernelEvents.start("events-nsdel-it")) {
            Netns gone = lab.netns("gone");
            Netns kept = lab.netns("kept");
            try (NetworkNamespace ns = NetworkNamespace.open(gone.name());
                    NetworkNamespace other = NetworkNamespace.open(kept.name());
                    DirectoryWatch dir = DirectoryWatch.start(events, Path.of("/run/netns"))) {
                NamespacePresence presence = new NamespacePresence(ns);
                NamespacePresence otherPresence = new NamespacePresence(other);
                assertThat(presence.violated()).isNull();
                BlockingQueue<String> seen = new LinkedBlockingQueue<>();
                dir.onChange(gone.name(), () -> {
                    String v = presence.violated();
                    seen.add(v == null ? "fine" : v);
                });
                dir.onChange(kept.name(), () -> seen.add("the other namespace changed"));

                // The agent's NetworkNamespace still holds the namespace: only its name goes.
                Cmd.run("ip", "netns", "delete", gone.name());
                assertThat(Files.exists(gone.path())).isFalse();
                String v = seen.poll(WAIT_S, TimeUnit.SECONDS);
                assertThat(v).isNotNull().contains("network namespace " + gone.name() + " was deleted");
                assertThat(otherPresence.violated()).isNull();
                assertThat(seen).isEmpty();
            }
        }
    }
}

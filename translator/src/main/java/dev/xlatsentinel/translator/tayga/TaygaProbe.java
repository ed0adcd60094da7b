package dev.xlatsentinel.translator.tayga;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.Clock;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.EventReporter;
import dev.xlatsentinel.translator.event.EventSink;
import dev.xlatsentinel.translator.event.KernelEvents;
import dev.xlatsentinel.translator.event.Watched;
import dev.xlatsentinel.translator.host.LinkSource;
import dev.xlatsentinel.translator.host.LinkState;
import dev.xlatsentinel.translator.host.PidFileProcess;
import dev.xlatsentinel.translator.host.ProcessState;
import dev.xlatsentinel.translator.host.RtnetlinkMessage;
import dev.xlatsentinel.translator.host.RtnetlinkMonitor;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * TAYGA's own signals: the process in the pid file is alive (from /proc/PID/stat, so a
 * zombie or a SIGSTOPped process fails), its TUN device exists and is up (carrier: TAYGA
 * holds it open), and the TUN counters move: when the kernel handed packets to TAYGA since
 * the last run ({@value #STALL_PACKETS} or more) and TAYGA wrote none back, it is not
 * translating. That last check needs
 * traffic, which the datapath probe of the same instance provides every round.
 *
 * <p>Busy is not broken: TAYGA starved of CPU under saturation can take packets in and write
 * none back for a while. So a stall fails at once only when TAYGA had the CPU and still wrote
 * nothing (it ran at least half of the period, /proc/PID/schedstat), or was not runnable
 * (sleeping with packets waiting); a TAYGA that was runnable but mostly waiting for a CPU is
 * starved, and says so. Every result carries the counters as a {@link Signal.Forwarding}.
 *
 * <p>With {@code egress} interfaces (the gateway's IPv4 side and IPv6 side), the result also
 * says how many packets they transmitted over the same period: TAYGA's output leaving the
 * gateway, or not (translator.md "Do no harm", rule 2).
 *
 * <p>Watched ({@link #watching}): TAYGA's exit through a pidfd and the TUN's link events
 * through rtnetlink are looked at the moment the kernel announces them (process and TUN
 * only: the counters stay the rounds' business).
 */
public final class TaygaProbe implements Probe, Watched {
    private static final Path PROC = Path.of("/proc");
    /**
     * Packets handed to TAYGA between two checks, with none written back, that count as a
     * stall. Not 1: the kernel itself sends the odd packet into the TUN (IPv6 MLD reports,
     * router solicitations) that TAYGA rightly drops, and that was seen to fail a check.
     */
    static final int STALL_PACKETS = 5;
    /**
     * The shortest period TAYGA's output and the egress counters are compared over: at the lab's
     * 10 ms rounds a check sees a few dozen packets of a starved TAYGA, too few to compare.
     */
    static final long EGRESS_WINDOW_NANOS = 50_000_000L;

    private final String name;
    private final PidFileProcess process;
    private final NetworkNamespace ns;
    private final LinkSource links;
    private final String tun;
    private final boolean expectTraffic;
    private final List<String> egress;
    private final Path proc;
    /** The clock of the counters' periods (System.nanoTime; a test's hand). */
    private final LongSupplier nanoTime;
    private EventReporter reporter;
    private KernelEvents events;
    private RtnetlinkMonitor monitor;
    /** The TUN's interface index as last seen, for its address events. */
    private volatile int tunIndex;
    private long lastToTayga = -1;
    private long lastFromTayga = -1;
    private long lastCheckNanos;
    private long lastOnCpu = -1;
    private long lastDropped = -1;
    /** The egress window's start: TAYGA's output and the egress's transmitted packets then, and when. */
    private long egressBaseOut = -1;
    private long egressBaseLeft = -1;
    private long egressBaseAt;
    /** The last complete egress window: what TAYGA wrote and what the egress transmitted (-1: none yet). */
    private long windowWritten = -1;
    private long windowLeft = -1;

    /**
     * @param expectTraffic also fail when no packet at all crossed the TUN since the last run
     */
    public TaygaProbe(String name, Path pidFile, NetworkNamespace ns, LinkSource links, String tun,
            boolean expectTraffic) {
        this(name, pidFile, ns, links, tun, expectTraffic, List.of(), PROC, System::nanoTime);
    }

    /**
     * @param egress the interfaces TAYGA's output leaves by (in the TUN's namespace), whose transmit
     *               counters are read with the TUN's; empty: not measured
     */
    public TaygaProbe(String name, Path pidFile, NetworkNamespace ns, LinkSource links, String tun,
            boolean expectTraffic, List<String> egress) {
        this(name, pidFile, ns, links, tun, expectTraffic, egress, PROC, System::nanoTime);
    }

    TaygaProbe(String name, Path pidFile, NetworkNamespace ns, LinkSource links, String tun, boolean expectTraffic,
            List<String> egress, Path proc, LongSupplier nanoTime) {
        this.name = name;
        this.process = new PidFileProcess(pidFile, "tayga", "TAYGA", proc);
        this.ns = ns;
        this.links = links;
        this.tun = tun;
        this.expectTraffic = expectTraffic;
        this.egress = List.copyOf(egress);
        this.proc = proc;
        this.nanoTime = nanoTime;
    }

    /**
     * Watches TAYGA's exit (pidfd) and the TUN's link and address events ({@code monitor} of
     * the TUN's namespace); events count as {@code mode} says. Returns this.
     */
    public TaygaProbe watching(EventMode mode, Clock clock, KernelEvents events, RtnetlinkMonitor monitor) {
        this.reporter = new EventReporter(name, mode, clock, this::look);
        this.events = events;
        this.monitor = monitor;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventMode eventMode() {
        return reporter == null ? EventMode.OFF : reporter.mode();
    }

    @Override
    public void watch(EventSink sink) {
        if (reporter == null) {
            return;
        }
        reporter.attach(sink);
        monitor.addListener(new RtnetlinkMonitor.Listener() {
            @Override
            public void message(RtnetlinkMessage m) {
                if (m instanceof RtnetlinkMessage.Link l && l.state().name().equals(tun)) {
                    reporter.changed(l.removed() ? "TUN removal event" : "TUN link event");
                } else if (m instanceof RtnetlinkMessage.Address a && a.removed() && a.index() == tunIndex) {
                    reporter.changed("TUN address event");
                }
            }

            @Override
            public void lost() {
                reporter.changed("netlink overrun");
            }
        });
        // Arm the pidfd now, without reporting: the first round reports what it finds.
        events.execute(() -> {
            try {
                look();
            } catch (UncheckedIOException e) {
                // the rounds will say it
            }
        });
    }

    /** Process and TUN only, without touching the counters: null when both are fine. */
    private synchronized String look() {
        try {
            String problem = process.problem();
            if (problem != null) {
                return problem;
            }
            if (events != null) {
                process.watchExit(events, () -> reporter.changed("process exit (pidfd)"));
            }
            Optional<LinkState> link = links.link(tun);
            if (link.isEmpty()) {
                return "TUN " + tun + " does not exist";
            }
            tunIndex = link.get().index();
            return link.get().isUp() ? null : "TUN " + tun + " is " + link.get().downReason();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        return ns.call(this::check);
    }

    private synchronized ProbeResult check() throws IOException {
        String processProblem = process.problem();
        if (processProblem == null && events != null) {
            process.watchExit(events, () -> reporter.changed("process exit (pidfd)"));
        }
        long pid = process.pid();
        char state = process.state();
        Optional<LinkState> link = links.link(tun);
        if (processProblem != null) {
            forgetCounters();
            return ProbeResult.fail(name, processProblem);
        }
        if (link.isEmpty()) {
            forgetCounters();
            return ProbeResult.fail(name, "TUN " + tun + " does not exist");
        }
        LinkState l = link.get();
        if (!l.isUp()) {
            forgetCounters();
            return ProbeResult.fail(name, "TUN " + tun + " is " + l.downReason());
        }
        // The kernel "transmits" to the TUN reader (TAYGA) and "receives" what TAYGA writes.
        long toTayga = l.txPackets() + l.txDropped();
        long fromTayga = l.rxPackets();
        Map<String, String> d = new LinkedHashMap<>();
        d.put("to_tayga_packets", Long.toString(toTayga));
        d.put("from_tayga_packets", Long.toString(fromTayga));
        long drops = lastDropped < 0 ? -1 : l.txDropped() - lastDropped;
        lastDropped = l.txDropped();
        long in = lastToTayga < 0 ? -1 : toTayga - lastToTayga;
        long out = lastFromTayga < 0 ? -1 : fromTayga - lastFromTayga;
        lastToTayga = toTayga;
        lastFromTayga = fromTayga;
        long now = nanoTime.getAsLong();
        long elapsed = now - lastCheckNanos;
        lastCheckNanos = now;
        egressWindow(fromTayga, egressPackets(), now);
        if (windowLeft >= 0) {
            d.put("egress_window", windowLeft + " of " + windowWritten + " packets out");
        }
        long[] sched = ProcessState.schedstat(proc, pid);
        long onCpu = sched == null || lastOnCpu < 0 ? -1 : sched[0] - lastOnCpu;
        lastOnCpu = sched == null ? -1 : sched[0];
        if (in >= STALL_PACKETS && out == 0) {
            String stall = "TUN " + tun + ": the kernel handed " + in
                    + " packets to TAYGA since the last check and TAYGA wrote none back";
            boolean runnable = state == 'R';
            if (runnable && onCpu >= 0 && onCpu < elapsed / 2) {
                // Waiting for a CPU, not stuck: the datapath probe and the rules judge it.
                d.put("starved", "ran " + onCpu / 1000 + " us of " + elapsed / 1000 + " us");
                return ProbeResult.pass(name, stall + ", but it was runnable and ran only " + onCpu / 1000 + " us of "
                        + elapsed / 1000 + " us: starved of CPU, not stuck").withDetails(d)
                        .withSignal(new Signal.Forwarding(in, out, drops, true, elapsed, windowWritten, windowLeft));
            }
            String why = !runnable ? " (TAYGA is " + new ProcessState(pid, "tayga", state).describe() + ")"
                    : onCpu >= 0 ? " (it ran " + onCpu / 1000 + " us of " + elapsed / 1000 + " us)" : "";
            return ProbeResult.fail(name, stall + why).withDetails(d).withSignal(new Signal.Forwarding(in, out, drops, false, elapsed, windowWritten, windowLeft));
        }
        if (expectTraffic && in == 0 && out == 0) {
            return ProbeResult.fail(name, "no packet crossed TUN " + tun + " since the last check").withDetails(d)
                    .withSignal(new Signal.Forwarding(0, 0, 0, false, elapsed, windowWritten, windowLeft));
        }
        ProbeResult ok = ProbeResult.pass(name, "TAYGA pid " + pid + " running, TUN " + tun + " up"
                + (in < 0 ? "" : ", " + in + " packets in, " + out + " out")).withDetails(d);
        return in < 0 ? ok : ok.withSignal(new Signal.Forwarding(in, out, drops, false, elapsed, windowWritten, windowLeft));
    }

    /**
     * Packets the egress interfaces transmitted so far, summed; -1 when none are configured or
     * one is missing (an interface that went away and came back restarts its counters: the
     * next check starts a new baseline).
     */
    private long egressPackets() throws IOException {
        if (egress.isEmpty()) {
            return -1;
        }
        long sum = 0;
        for (String ifname : egress) {
            Optional<LinkState> l = links.link(ifname);
            if (l.isEmpty()) {
                return -1;
            }
            sum += l.get().txPackets();
        }
        return sum;
    }

    /**
     * Closes the egress window when it is {@link #EGRESS_WINDOW_NANOS} old: what TAYGA wrote and
     * what the egress transmitted since its start. Counters that went backwards (an interface or
     * the TUN re-created) or a missing interface start a new window and forget the last one.
     */
    private void egressWindow(long fromTayga, long egressNow, long now) {
        if (egressNow < 0 || egressBaseLeft < 0 || egressNow < egressBaseLeft || fromTayga < egressBaseOut) {
            windowWritten = -1;
            windowLeft = -1;
        } else if (now - egressBaseAt < EGRESS_WINDOW_NANOS) {
            return;
        } else {
            windowWritten = fromTayga - egressBaseOut;
            windowLeft = egressNow - egressBaseLeft;
        }
        egressBaseOut = egressNow < 0 ? -1 : fromTayga;
        egressBaseLeft = egressNow;
        egressBaseAt = now;
    }

    private void forgetCounters() {
        egressBaseLeft = -1;
        windowWritten = -1;
        windowLeft = -1;
        lastToTayga = -1;
        lastFromTayga = -1;
        lastOnCpu = -1;
        lastDropped = -1;
    }
}

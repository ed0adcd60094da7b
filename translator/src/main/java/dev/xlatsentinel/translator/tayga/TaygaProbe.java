package dev.xlatsentinel.translator.tayga;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.host.LinkSource;
import dev.xlatsentinel.translator.host.LinkState;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
 */
public final class TaygaProbe implements Probe {
    private static final Path PROC = Path.of("/proc");
    /**
     * Packets handed to TAYGA between two checks, with none written back, that count as a
     * stall. Not 1: the kernel itself sends the odd packet into the TUN (IPv6 MLD reports,
     * router solicitations) that TAYGA rightly drops, and that was seen to fail a check.
     */
    static final int STALL_PACKETS = 5;

    private final String name;
    private final Path pidFile;
    private final NetworkNamespace ns;
    private final LinkSource links;
    private final String tun;
    private final boolean expectTraffic;
    private final Path proc;
    private long lastToTayga = -1;
    private long lastFromTayga = -1;
    private long lastCheckNanos;
    private long lastOnCpu = -1;
    private long lastDropped = -1;

    /**
     * @param expectTraffic also fail when no packet at all crossed the TUN since the last run
     */
    public TaygaProbe(String name, Path pidFile, NetworkNamespace ns, LinkSource links, String tun,
            boolean expectTraffic) {
        this(name, pidFile, ns, links, tun, expectTraffic, PROC);
    }

    TaygaProbe(String name, Path pidFile, NetworkNamespace ns, LinkSource links, String tun, boolean expectTraffic,
            Path proc) {
        this.name = name;
        this.pidFile = pidFile;
        this.ns = ns;
        this.links = links;
        this.tun = tun;
        this.expectTraffic = expectTraffic;
        this.proc = proc;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        return ns.call(this::check);
    }

    private synchronized ProbeResult check() throws IOException {
        String processProblem = processProblem();
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
        long now = System.nanoTime();
        long elapsed = now - lastCheckNanos;
        lastCheckNanos = now;
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
                        .withSignal(new Signal.Forwarding(in, out, drops, true, elapsed));
            }
            String why = !runnable ? " (TAYGA is " + describeState() + ")"
                    : onCpu >= 0 ? " (it ran " + onCpu / 1000 + " us of " + elapsed / 1000 + " us)" : "";
            return ProbeResult.fail(name, stall + why).withDetails(d).withSignal(new Signal.Forwarding(in, out, drops, false, elapsed));
        }
        if (expectTraffic && in == 0 && out == 0) {
            return ProbeResult.fail(name, "no packet crossed TUN " + tun + " since the last check").withDetails(d)
                    .withSignal(new Signal.Forwarding(0, 0, 0, false, elapsed));
        }
        ProbeResult ok = ProbeResult.pass(name, "TAYGA " + describePid() + " running, TUN " + tun + " up"
                + (in < 0 ? "" : ", " + in + " packets in, " + out + " out")).withDetails(d);
        return in < 0 ? ok : ok.withSignal(new Signal.Forwarding(in, out, drops, false, elapsed));
    }

    private String pidText = "";
    private long pid;
    private char state;

    private String describeState() {
        return new ProcessState(pid, "tayga", state).describe();
    }

    private String describePid() {
        return "pid " + pidText;
    }

    /** What is wrong with the process, or null. */
    private String processProblem() throws IOException {
        String text;
        try {
            text = Files.readString(pidFile).strip();
        } catch (NoSuchFileException e) {
            return "pid file " + pidFile + " does not exist: TAYGA is not running";
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return "pid file " + pidFile + " holds '" + text + "', not a pid";
        }
        pidText = Long.toString(pid);
        this.pid = pid;
        ProcessState ps = ProcessState.read(proc, pid);
        if (ps == null) {
            return "TAYGA (pid " + pid + " from " + pidFile + ") is not running";
        }
        if (!ps.comm().equals("tayga")) {
            return "pid " + pid + " from " + pidFile + " is '" + ps.comm() + "', not tayga (stale pid file)";
        }
        if (!ps.alive()) {
            return "TAYGA (pid " + pid + ") is " + ps.describe();
        }
        this.state = ps.state();
        return null;
    }

    private void forgetCounters() {
        lastToTayga = -1;
        lastFromTayga = -1;
        lastOnCpu = -1;
        lastDropped = -1;
    }
}

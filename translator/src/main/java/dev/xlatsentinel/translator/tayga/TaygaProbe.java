package dev.xlatsentinel.translator.tayga;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.host.LinkSource;
import dev.xlatsentinel.translator.host.LinkState;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
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
        long in = lastToTayga < 0 ? -1 : toTayga - lastToTayga;
        long out = lastFromTayga < 0 ? -1 : fromTayga - lastFromTayga;
        lastToTayga = toTayga;
        lastFromTayga = fromTayga;
        if (in >= STALL_PACKETS && out == 0) {
            return ProbeResult.fail(name, "TUN " + tun + ": the kernel handed " + in
                    + " packets to TAYGA since the last check and TAYGA wrote none back").withDetails(d);
        }
        if (expectTraffic && in == 0 && out == 0) {
            return ProbeResult.fail(name, "no packet crossed TUN " + tun + " since the last check").withDetails(d);
        }
        return ProbeResult.pass(name, "TAYGA " + describePid() + " running, TUN " + tun + " up"
                + (in < 0 ? "" : ", " + in + " packets in, " + out + " out")).withDetails(d);
    }

    private String pidText = "";

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
        return null;
    }

    private void forgetCounters() {
        lastToTayga = -1;
        lastFromTayga = -1;
    }
}

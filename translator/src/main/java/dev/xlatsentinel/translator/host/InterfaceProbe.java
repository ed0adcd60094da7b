package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.platform.time.Clock;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.event.EventReporter;
import dev.xlatsentinel.translator.event.EventSink;
import dev.xlatsentinel.translator.event.Watched;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An interface exists and is up (admin up, carrier, operstate up or unknown), read over
 * rtnetlink. Watched: its link events and the removal of its addresses are looked at the
 * moment the kernel announces them.
 */
public final class InterfaceProbe implements Probe, Watched {
    private final String name;
    private final NetworkNamespace ns;
    private final Rtnetlink rtnl;
    private final String ifname;
    private EventReporter reporter;
    private RtnetlinkMonitor monitor;
    private volatile int index;

    public InterfaceProbe(String name, NetworkNamespace ns, Rtnetlink rtnl, String ifname) {
        this.name = name;
        this.ns = ns;
        this.rtnl = rtnl;
        this.ifname = ifname;
    }

    /** Watches the interface through {@code monitor} (of the same namespace). Returns this. */
    public InterfaceProbe watching(EventMode mode, Clock clock, RtnetlinkMonitor monitor) {
        this.reporter = new EventReporter(name, mode, clock, this::look);
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
                if (m instanceof RtnetlinkMessage.Link l && l.state().name().equals(ifname)) {
                    reporter.changed(l.removed() ? "link removal event" : "link event");
                } else if (m instanceof RtnetlinkMessage.Address a && a.removed() && a.index() == index) {
                    reporter.changed("address removal event");
                }
            }

            @Override
            public void lost() {
                reporter.changed("netlink overrun");
            }
        });
    }

    /** Null when the interface is up, else why not. */
    private String look() {
        try {
            Optional<LinkState> link = rtnl.link(ifname);
            if (link.isEmpty()) {
                return "interface " + ifname + " does not exist in " + ns;
            }
            index = link.get().index();
            return link.get().isUp() ? null : "interface " + ifname + " is " + link.get().downReason();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        return ns.call(() -> {
            Optional<LinkState> link = rtnl.link(ifname);
            if (link.isEmpty()) {
                return ProbeResult.fail(name, "interface " + ifname + " does not exist in " + ns);
            }
            LinkState l = link.get();
            index = l.index();
            Map<String, String> d = Map.of("operstate", l.operState(), "admin", l.adminUp() ? "up" : "down",
                    "carrier", Boolean.toString(l.lowerUp()));
            return l.isUp() ? ProbeResult.pass(name, "interface " + ifname + " is up").withDetails(d)
                    : ProbeResult.fail(name, "interface " + ifname + " is " + l.downReason()).withDetails(d);
        });
    }
}

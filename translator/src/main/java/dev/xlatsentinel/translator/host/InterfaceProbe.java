package dev.xlatsentinel.translator.host;

import dev.xlatsentinel.platform.netns.NetworkNamespace;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.probe.ProbeResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** An interface exists and is up (admin up, carrier, operstate up or unknown), read over rtnetlink. */
public final class InterfaceProbe implements Probe {
    private final String name;
    private final NetworkNamespace ns;
    private final Rtnetlink rtnl;
    private final String ifname;

    public InterfaceProbe(String name, NetworkNamespace ns, Rtnetlink rtnl, String ifname) {
        this.name = name;
        this.ns = ns;
        this.rtnl = rtnl;
        this.ifname = ifname;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<ProbeResult> run(Duration timeout) {
        return ns.call(() -> {
            Optional<LinkState> link = rtnl.link(ifname);
            if (link.isEmpty()) {
                return ProbeResult.fail(name, "interface " + ifname + " does not exist in " + ns);
            }
            LinkState l = link.get();
            Map<String, String> d = Map.of("operstate", l.operState(), "admin", l.adminUp() ? "up" : "down",
                    "carrier", Boolean.toString(l.lowerUp()));
            return l.isUp() ? ProbeResult.pass(name, "interface " + ifname + " is up").withDetails(d)
                    : ProbeResult.fail(name, "interface " + ifname + " is " + l.downReason()).withDetails(d);
        });
    }
}

package dev.xlatsentinel.translator.assembly;

import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.platform.time.Scheduler;
import dev.xlatsentinel.translator.config.CommandProbeSpec;
import dev.xlatsentinel.translator.config.IcmpProbeSpec;
import dev.xlatsentinel.translator.config.InstanceSpec;
import dev.xlatsentinel.translator.config.InterfaceProbeSpec;
import dev.xlatsentinel.translator.config.JoolProbeSpec;
import dev.xlatsentinel.translator.config.ProbeSpec;
import dev.xlatsentinel.translator.config.ProcessProbeSpec;
import dev.xlatsentinel.translator.event.EventMode;
import dev.xlatsentinel.translator.host.ProcessProbe;
import dev.xlatsentinel.translator.config.RouteProbeSpec;
import dev.xlatsentinel.translator.config.SystemdUnitProbeSpec;
import dev.xlatsentinel.translator.config.TaygaProbeSpec;
import dev.xlatsentinel.translator.config.TcpProbeSpec;
import dev.xlatsentinel.translator.datapath.IcmpDatapathProbe;
import dev.xlatsentinel.translator.datapath.IcmpEchoSocket;
import dev.xlatsentinel.translator.datapath.NativeIcmpProbe;
import dev.xlatsentinel.translator.datapath.TcpDatapathProbe;
import dev.xlatsentinel.translator.host.CommandProbe;
import dev.xlatsentinel.translator.host.HostLoad;
import dev.xlatsentinel.translator.host.ProcHostLoad;
import dev.xlatsentinel.translator.host.InterfaceProbe;
import dev.xlatsentinel.translator.host.RouteProbe;
import dev.xlatsentinel.translator.host.SystemdUnitProbe;
import dev.xlatsentinel.translator.host.EgressWindow;
import dev.xlatsentinel.translator.jool.JoolProbe;
import dev.xlatsentinel.translator.jool.JoolThresholds;
import dev.xlatsentinel.translator.probe.Probe;
import dev.xlatsentinel.translator.tayga.TaygaProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Turns validated probe specs into probes; what it opens (sockets) is closed with the namespaces' owner. */
final class ProbeFactory {
    private final Namespaces namespaces;
    private final Scheduler scheduler;
    private final Subprocess subprocess;
    private final List<AutoCloseable> owned;

    ProbeFactory(Namespaces namespaces, Scheduler scheduler, List<AutoCloseable> owned) {
        this.namespaces = namespaces;
        this.scheduler = scheduler;
        this.subprocess = new Subprocess(scheduler);
        this.owned = owned;
    }

    Probe build(InstanceSpec instance, ProbeSpec spec) {
        String name = spec.name() != null ? spec.name() : spec.type();
        String probeNs = spec instanceof IcmpProbeSpec s && s.namespace() != null ? s.namespace()
                : spec instanceof TcpProbeSpec s && s.namespace() != null ? s.namespace()
                : instance.probeNamespace() == null ? null : instance.probeNamespace().name();
        if (spec instanceof IcmpProbeSpec s) {
            try {
                IcmpEchoSocket socket = IcmpEchoSocket.open(namespaces.get(probeNs), s.source(), namespaces.realtime());
                owned.add(socket);
                return new IcmpDatapathProbe(name, socket, s.prefix(), s.targets(),
                        s.required() == null ? 1 : s.required(), scheduler, instance.health().maxTimeout(),
                        hostLoad(instance), instance.health().interval());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (spec instanceof TcpProbeSpec s) {
            return new TcpDatapathProbe(name, namespaces.get(probeNs), s.source(), s.prefix(),
                    s.targets(), s.port(), s.required() == null ? 1 : s.required(), scheduler);
        }
        if (spec instanceof JoolProbeSpec s) {
            boolean siit = s.siit();
            JoolThresholds d = siit ? JoolThresholds.SIIT_DEFAULTS : JoolThresholds.NAT64_DEFAULTS;
            JoolThresholds t = new JoolThresholds(
                    s.failedRoutesMax() == null ? d.failedRoutesMax() : s.failedRoutesMax(),
                    s.receivedWithoutSuccess() == null ? d.receivedWithoutSuccess() : s.receivedWithoutSuccess(),
                    s.bibUsageMax() == null ? d.bibUsageMax() : s.bibUsageMax(),
                    s.pool4() == null ? d.pool4() : s.pool4(),
                    s.sessionSync() == null ? d.sessionSync() : s.sessionSync());
            String ns = s.namespaceIn(instance);
            EgressWindow egress = s.egressOrNone().isEmpty() ? EgressWindow.none()
                    : new EgressWindow(namespaces.rtnetlink(ns), s.egressOrNone());
            return new JoolProbe(name, s.binaryOrDefault(), s.instance(), ns == null ? null : namespaces.get(ns), t,
                    subprocess, scheduler, egress);
        }
        if (spec instanceof TaygaProbeSpec s) {
            String ns = s.namespace() != null ? s.namespace() : instance.namespace();
            TaygaProbe p = new TaygaProbe(name, Path.of(s.pidFile()), namespaces.get(ns), namespaces.rtnetlink(ns),
                    s.tun(), Boolean.TRUE.equals(s.expectTraffic()), s.egressOrNone());
            return s.eventMode() == EventMode.OFF ? p
                    : p.watching(s.eventMode(), scheduler, namespaces.events(), namespaces.monitor(ns));
        }
        if (spec instanceof ProcessProbeSpec s) {
            ProcessProbe p = new ProcessProbe(name, Path.of(s.pidFile()), s.processName());
            return s.eventMode() == EventMode.OFF ? p : p.watching(s.eventMode(), scheduler, namespaces.events());
        }
        if (spec instanceof SystemdUnitProbeSpec s) {
            return new SystemdUnitProbe(name, s.unit(), subprocess);
        }
        if (spec instanceof InterfaceProbeSpec s) {
            String ns = s.namespace() != null ? s.namespace() : instance.namespace();
            InterfaceProbe p = new InterfaceProbe(name, namespaces.get(ns), namespaces.rtnetlink(ns), s.interfaceName());
            return s.eventMode() == EventMode.OFF ? p : p.watching(s.eventMode(), scheduler, namespaces.monitor(ns));
        }
        if (spec instanceof RouteProbeSpec s) {
            String ns = s.namespace() != null ? s.namespace() : instance.namespace();
            RouteProbe p = new RouteProbe(name, namespaces.get(ns), s.destination().address(),
                    s.destination().length(), s.dev());
            return s.eventMode() == EventMode.OFF ? p : p.watching(s.eventMode(), scheduler, namespaces.monitor(ns));
        }
        if (spec instanceof CommandProbeSpec s) {
            String ns = s.namespace() != null ? s.namespace() : instance.namespace();
            return new CommandProbe(name, ns == null ? null : namespaces.get(ns), s.command(), subprocess);
        }
        throw new IllegalArgumentException("probe type '" + spec.type() + "' (validate the config first)");
    }

    /**
     * How busy the host is, for the datapath probes' deadline: the host's counters, and the
     * translator process's wait for a CPU when the instance names one (a {@code tayga} probe's
     * pid file). Jool translates in the kernel: the host's counters only.
     */
    private static HostLoad hostLoad(InstanceSpec instance) {
        for (ProbeSpec p : instance.probes()) {
            if (p instanceof TaygaProbeSpec t) {
                return new ProcHostLoad(Path.of(t.pidFile()));
            }
        }
        return new ProcHostLoad(null);
    }

    /**
     * The native check of an icmp probe's targets (evidence only), over IPv4 from the
     * instance's namespace; null when the probe turns it off ({@code nativeCheck: false}).
     */
    Probe buildNative(InstanceSpec instance, ProbeSpec spec) {
        if (!(spec instanceof IcmpProbeSpec s) || Boolean.FALSE.equals(s.nativeCheck())) {
            return null;
        }
        String name = (s.name() != null ? s.name() : s.type()) + " native";
        try {
            IcmpEchoSocket socket = IcmpEchoSocket.openIpv4(namespaces.get(instance.namespace()), namespaces.realtime());
            owned.add(socket);
            return new NativeIcmpProbe(name, socket, s.targets(), scheduler, instance.health().maxTimeout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.xlatsentinel.translator.config;

import dev.xlatsentinel.platform.config.FieldError;
import dev.xlatsentinel.platform.config.Reasons;
import dev.xlatsentinel.platform.net.InterfaceAddress;
import dev.xlatsentinel.translator.datapath.Nat64Prefix;
import dev.xlatsentinel.translator.health.HealthPolicy;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place the translator config is checked, before anything starts. Every error names
 * its field path ({@code instances.lower.probes[1].targets}); all errors are reported at once.
 */
public final class ConfigValidator {
    public static final Duration MIN_TIME = Duration.ofMillis(1);
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    public static final int MAX_RISE_FALL = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");

    private final List<FieldError> errors = new ArrayList<>();

    private ConfigValidator() {
    }

    /** All errors in {@code config}; empty when it is valid. */
    public static List<FieldError> validate(TranslatorConfig config) {
        ConfigValidator v = new ConfigValidator();
        v.config(config);
        return List.copyOf(v.errors);
    }

    /** Throws {@link InvalidConfigException} listing every error, or returns the config. */
    public static TranslatorConfig check(TranslatorConfig config) {
        List<FieldError> e = validate(config);
        if (!e.isEmpty()) {
            throw new InvalidConfigException(e);
        }
        return config;
    }

    /** The longest a datapath probe may adapt its deadline to. */
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

    private void error(String path, String message) {
        errors.add(FieldError.of(path, message));
    }

    private void config(TranslatorConfig c) {
        if (c == null || c.instances() == null || c.instances().isEmpty()) {
            error("instances", "no instance configured");
            return;
        }
        for (Map.Entry<String, InstanceSpec> e : c.instances().entrySet()) {
            String path = "instances." + e.getKey();
            if (e.getKey() == null || !NAME.matcher(e.getKey()).matches()) {
                error(path, "instance name must be 1-64 ASCII letters (a-z, A-Z), digits, '.', '_' or '-'");
            }
            if (e.getValue() == null) {
                error(path, "empty instance");
                continue;
            }
            instance(path, e.getValue());
        }
    }

    private void instance(String path, InstanceSpec s) {
        if (s.namespace() != null) {
            namespace(path + ".namespace", s.namespace());
        }
        if (s.probeNamespace() != null) {
            probeNamespace(path + ".probeNamespace", s.probeNamespace());
        }
        int n = s.probes() == null ? 0 : s.probes().size();
        health(path + ".health", s.health(), n);
        if (n == 0) {
            error(path + ".probes", "at least one probe is needed");
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String p = path + ".probes[" + i + "]";
            ProbeSpec spec = s.probes().get(i);
            if (spec == null) {
                error(p, "empty probe");
                continue;
            }
            String name = spec.name() == null ? spec.type() : spec.name();
            if (name != null && !names.add(name)) {
                error(p + ".name", "another probe of this instance is called '" + name
                        + "' (give each probe a distinct name)");
            }
            probe(p, spec);
            if (spec instanceof WatchedProbeSpec w && w.onEvent() != null
                    && dev.xlatsentinel.translator.event.EventMode.parse(w.onEvent()) == null) {
                error(p + ".onEvent", "'" + w.onEvent() + "' is not off, count or down");
            }
        }
    }

    private void health(String path, HealthSpec h, int probes) {
        range(path + ".rise", h.rise(), 1, MAX_RISE_FALL);
        range(path + ".fall", h.fall(), 1, MAX_RISE_FALL);
        boolean intervalOk = duration(path + ".interval", h.interval(), MIN_TIME, MAX_INTERVAL);
        Duration interval = intervalOk ? h.interval() : HealthPolicy.DEFAULTS.interval();
        duration(path + ".fastInterval", h.fastInterval(), MIN_TIME, interval);
        if (duration(path + ".timeout", h.timeout(), MIN_TIME, interval)) {
            // A left-out maxTimeout follows the timeout: checked only against a valid one.
            duration(path + ".maxTimeout", h.maxTimeout(), h.timeout(), MAX_TIMEOUT);
        }
        if (h.required() != null && probes > 0 && h.required() > probes) {
            error(path + ".required", h.required() + " probes required but the instance has " + probes
                    + " (k must be <= n)");
        } else {
            range(path + ".required", h.required(), 1, Math.max(1, probes));
        }
    }

    private void probeNamespace(String path, ProbeNamespaceSpec p) {
        if (p.name() == null) {
            error(path + ".name", Reasons.missing("the probe namespace's ip netns name"));
        } else {
            namespace(path + ".name", p.name());
        }
        if (!Boolean.TRUE.equals(p.create())) {
            return;
        }
        ifname(path + ".probeInterface", p.probeInterface());
        ifname(path + ".translatorInterface", p.translatorInterface());
        ipv6(path + ".probeAddress", p.probeAddress());
        ipv6(path + ".translatorAddress", p.translatorAddress());
    }

    private void probe(String path, ProbeSpec spec) {
        if (spec instanceof IcmpProbeSpec s) {
            datapath(path, s.prefix(), s.targets(), s.required(), s.namespace());
        } else if (spec instanceof TcpProbeSpec s) {
            datapath(path, s.prefix(), s.targets(), s.required(), s.namespace());
            if (s.port() == null) {
                error(path + ".port", Reasons.missing("the TCP port to connect to"));
            } else {
                range(path + ".port", s.port(), 1, 65535);
            }
        } else if (spec instanceof JoolProbeSpec s) {
            jool(path, s);
        } else if (spec instanceof TaygaProbeSpec s) {
            if (required(path + ".pidFile", s.pidFile(), "TAYGA's pid file, as given to tayga -p")
                    && !s.pidFile().startsWith("/")) {
                error(path + ".pidFile", "'" + s.pidFile() + "' is not an absolute path");
            }
            ifname(path + ".tun", s.tun());
            egress(path, s.egress(), s.tun());
            optionalNamespace(path, s.namespace());
        } else if (spec instanceof SystemdUnitProbeSpec s) {
            if (required(path + ".unit", s.unit(), "the unit name, e.g. jool@lower.service")
                    && !s.unit().matches("[A-Za-z0-9:_.@\\\\-]+")) {
                error(path + ".unit", "'" + s.unit() + "' is not a unit name");
            }
        } else if (spec instanceof InterfaceProbeSpec s) {
            ifname(path + ".interface", s.interfaceName());
            optionalNamespace(path, s.namespace());
        } else if (spec instanceof RouteProbeSpec s) {
            if (s.destination() == null) {
                error(path + ".destination", Reasons.missing("a prefix such as 0.0.0.0/0"));
            }
            if (s.dev() != null) {
                ifname(path + ".dev", s.dev());
            }
            optionalNamespace(path, s.namespace());
        } else if (spec instanceof CommandProbeSpec s) {
            if (s.command() == null || s.command().isEmpty() || s.command().get(0) == null
                    || s.command().get(0).isBlank()) {
                error(path + ".command", Reasons.missing("the command and its arguments, as a list"));
            }
            optionalNamespace(path, s.namespace());
        } else if (spec instanceof ProcessProbeSpec s) {
            if (required(path + ".pidFile", s.pidFile(), "the process's pid file")
                    && !s.pidFile().startsWith("/")) {
                error(path + ".pidFile", "'" + s.pidFile() + "' is not an absolute path");
            }
            if (s.processName() != null && !s.processName().matches("[^/\\s]{1,15}")) {
                error(path + ".processName", "'" + s.processName() + "' is not a process name as /proc/PID/stat "
                        + "shows it (1-15 characters, no '/' or spaces)");
            }
        } else if (spec instanceof UnknownProbeSpec s) {
            error(path + ".type", s.type() == null ? Reasons.missing("one of " + ProbeSpec.TYPES)
                    : "unknown probe type '" + s.type() + "' (one of " + ProbeSpec.TYPES + ")");
        }
    }

    /** Egress interfaces: interface names, not the translator's own TUN ({@code tun}, null for Jool). */
    private void egress(String path, List<String> egress, String tun) {
        if (egress == null) {
            return;
        }
        if (egress.isEmpty()) {
            error(path + ".egress", Reasons.missing("one or more interface names (or leave egress out)"));
        }
        for (int i = 0; i < egress.size(); i++) {
            ifname(path + ".egress[" + i + "]", egress.get(i));
            if (tun != null && tun.equals(egress.get(i))) {
                error(path + ".egress[" + i + "]", "'" + tun + "' is the TUN itself, not a way out of the gateway");
            }
        }
    }

    private void jool(String path, JoolProbeSpec s) {
        egress(path, s.egress(), null);
        if (s.flavor() != null && !s.flavor().equals("nat64") && !s.flavor().equals("siit")) {
            error(path + ".flavor", "'" + s.flavor() + "' is not nat64 or siit");
        }
        required(path + ".instance", s.instance(), "the Jool instance name, as in jool -i NAME");
        optionalNamespace(path, s.namespace());
        if (s.failedRoutesMax() != null && s.failedRoutesMax() < 0) {
            error(path + ".failedRoutesMax", s.failedRoutesMax() + " is below 0");
        }
        if (s.receivedWithoutSuccess() != null && s.receivedWithoutSuccess() < 0) {
            error(path + ".receivedWithoutSuccess", s.receivedWithoutSuccess()
                    + " is below 0 (0 disables the condition)");
        }
        if (s.bibUsageMax() != null && !(s.bibUsageMax() > 0 && s.bibUsageMax() <= 1)) {
            error(path + ".bibUsageMax", s.bibUsageMax() + " is not a fraction in (0, 1]");
        }
        if ("siit".equals(s.flavor()) && Boolean.TRUE.equals(s.pool4())) {
            error(path + ".pool4", "SIIT has no pool4");
        }
    }

    private void datapath(String path, Nat64Prefix prefix, List<Inet4Address> targets, Integer required,
            String namespace) {
        if (prefix == null) {
            error(path + ".prefix", Reasons.missing("the NAT64 prefix (pool6), e.g. 64:ff9b::/96"));
        }
        int n = targets == null ? 0 : targets.size();
        if (n == 0) {
            error(path + ".targets", "missing target (at least one IPv4 address to reach through the translator)");
        }
        if (required != null && n > 0 && required > n) {
            error(path + ".required", required + " targets required but only " + n + " configured (k must be <= n)");
        } else if (required != null && required < 1) {
            error(path + ".required", Reasons.outside(required, 1, n));
        }
        optionalNamespace(path, namespace);
    }

    private void optionalNamespace(String path, String ns) {
        if (ns != null) {
            namespace(path + ".namespace", ns);
        }
    }

    private void namespace(String path, String ns) {
        if (!(ns.startsWith("/") || (NAME.matcher(ns).matches() && !ns.startsWith(".")))) {
            error(path, "'" + ns + "' is neither an ip netns name nor an absolute path");
        }
    }

    private boolean required(String path, String value, String what) {
        if (value == null || value.isBlank()) {
            error(path, Reasons.missing(what));
            return false;
        }
        return true;
    }

    private void ifname(String path, String name) {
        if (name == null || name.isBlank()) {
            error(path, Reasons.missing("an interface name"));
        } else if (!IFNAME.matcher(name).matches()) {
            error(path, "'" + name + "' is not an interface name (1-15 characters, no '/' or spaces)");
        }
    }

    private void range(String path, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            error(path, Reasons.outside(value, min, max));
        }
    }

    private boolean duration(String path, Duration d, Duration min, Duration max) {
        if (d != null && (d.compareTo(min) < 0 || d.compareTo(max) > 0)) {
            error(path, Reasons.outside(d, min, max));
            return false;
        }
        return true;
    }

    /** An interface address with its subnet length, IPv6 ({@code 2001:db8:ffff::2/64}). */
    private void ipv6(String path, InterfaceAddress a) {
        if (a == null) {
            error(path, Reasons.missing("an IPv6 address with prefix length, e.g. 2001:db8:ffff::2/64"));
        } else if (!a.isIpv6()) {
            error(path, a + " is not an IPv6 address with prefix length");
        }
    }
}

package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.bfd.HopMode;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.bfd.auth.AuthKey;
import dev.xlatsentinel.bfd.auth.AuthType;
import dev.xlatsentinel.bfd.auth.Secret;
import dev.xlatsentinel.frr.bfdd.BfdPeerSpec;
import dev.xlatsentinel.frr.route.RouteSpec;
import dev.xlatsentinel.platform.config.FieldError;
import dev.xlatsentinel.platform.config.FieldException;
import dev.xlatsentinel.platform.config.Reasons;
import dev.xlatsentinel.translator.config.TranslatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every semantic check of a bound config, in one place, before anything starts: references
 * resolve, addresses and prefixes are valid, timers are in range, secrets come from files
 * only their owner can read. Collects every error (with its field path) instead of
 * stopping at the first.
 */
final class ConfigValidator {
    static final Set<String> HOOK_EVENTS = Set.of("withdraw", "release", "health");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern GROUP = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Map<String, String> BFD_FIELDS = Map.of("iface", "interface", "detectMult", "multiplier",
            "desiredMinTx", "minTx", "requiredMinRx", "minRx", "auth.secret", "auth.secretFile", "hop", "multihop");

    record Result(List<FieldError> errors, Map<String, List<SessionConfig>> bfdSessions) {
    }

    private final List<FieldError> errors = new ArrayList<>();
    private final Map<String, List<SessionConfig>> sessions = new LinkedHashMap<>();

    private ConfigValidator() {
    }

    static Result validate(AgentConfig c) {
        ConfigValidator v = new ConfigValidator();
        v.agent(c.agent());
        v.frr(c);
        for (var e : dev.xlatsentinel.translator.config.ConfigValidator.validate(new TranslatorConfig(c.instances()))) {
            v.error(e.path(), e.reason());
        }
        v.services(c);
        PartitionsCheck.check(c).errors().forEach(e -> v.error(e.path(), e.reason()));
        return new Result(List.copyOf(v.errors), v.sessions);
    }

    private void error(String path, String message) {
        errors.add(FieldError.of(path, message));
    }

    // ------------------------------------------------------------------ agent:

    private void agent(AgentSettings a) {
        absolute("agent.controlSocket", a.controlSocket());
        absolute("agent.maintenanceFile", a.maintenanceFile());
        if (a.controlGroup() != null && !GROUP.matcher(a.controlGroup()).matches()) {
            error("agent.controlGroup", "'" + a.controlGroup() + "' is not a group name");
        }
        duration("agent.shutdownGrace", a.shutdownGrace(), Duration.ZERO, Duration.ofMinutes(1));
        if (a.bfdRealtimePriority() < 0 || a.bfdRealtimePriority() > 99) {
            error("agent.bfdRealtimePriority", Reasons.outside(a.bfdRealtimePriority(), 0, 99)
                    + " (0: normal scheduling, 1-99: SCHED_FIFO priority)");
        }
        if (a.detectionRealtimePriority() < 0 || a.detectionRealtimePriority() > 99) {
            error("agent.detectionRealtimePriority", Reasons.outside(a.detectionRealtimePriority(), 0, 99)
                    + " (0: normal scheduling, 1-99: SCHED_FIFO priority)");
        }
        AgentSettings.DampingConfig d = a.damping();
        duration("agent.damping.minHold", d.minHold(), Duration.ZERO, Duration.ofHours(1));
        duration("agent.damping.halfLife", d.halfLife(), Duration.ofSeconds(1), Duration.ofHours(6));
        duration("agent.damping.maxSuppress", d.maxSuppress(), Duration.ZERO, Duration.ofHours(24));
        if (d.penalty() < 0) {
            error("agent.damping.penalty", Reasons.number(d.penalty()) + " is below 0 (0 turns damping off)");
        }
        if (d.reuse() <= 0) {
            error("agent.damping.reuse", Reasons.number(d.reuse()) + " is not above 0");
        }
        if (d.suppress() <= d.reuse()) {
            error("agent.damping.suppress", Reasons.number(d.suppress()) + " is not above reuse ("
                    + Reasons.number(d.reuse()) + ")");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < a.hooks().size(); i++) {
            hook("agent.hooks[" + i + "]", a.hooks().get(i), names);
        }
    }

    private void hook(String path, AgentSettings.HookConfig h, Set<String> names) {
        if (h == null) {
            error(path, "empty hook");
            return;
        }
        if (h.name() == null) {
            error(path + ".name", Reasons.missing("names the hook in the log"));
        } else if (!names.add(h.name())) {
            error(path + ".name", "another hook is called '" + h.name() + "'");
        }
        if (h.command() == null || h.command().isEmpty()) {
            error(path + ".command", Reasons.missing("the program and its arguments, e.g. [/usr/local/bin/notify, --now]"));
        } else if (h.command().get(0) == null || !h.command().get(0).startsWith("/")) {
            error(path + ".command[0]", "the program must be an absolute path (hooks run without a shell or PATH)");
        }
        for (int i = 0; i < h.events().size(); i++) {
            String ev = h.events().get(i);
            if (ev == null || !HOOK_EVENTS.contains(ev)) {
                error(path + ".events[" + i + "]", "unknown event '" + ev + "' (known: health, release, withdraw)");
            }
        }
        duration(path + ".timeout", h.timeout(), Duration.ofMillis(1), Duration.ofMinutes(5));
    }

    // ------------------------------------------------------------------ frr:

    private void frr(AgentConfig c) {
        // Whether FRR runs is the running agent's concern: its client reports "unreachable
        // since ..." until the vty sockets answer.
        absolute("frr.vtyDir", c.frr().vtyDir());
        duration("frr.pollInterval", c.frr().pollInterval(), Duration.ofMillis(10), Duration.ofMinutes(10));
        duration("frr.timeout", c.frr().timeout(), Duration.ofMillis(10), Duration.ofMinutes(1));
    }

    // ------------------------------------------------------------------ services:

    private void services(AgentConfig c) {
        if (c.services().isEmpty()) {
            error("services", "no service configured (what should the router be told?)");
        }
        Map<SessionKey, String> keys = new HashMap<>();
        Map<String, String> frrPeerKeys = new HashMap<>();
        c.services().forEach((name, s) -> {
            String path = "services." + name;
            if (!NAME.matcher(name).matches()) {
                error(path, "service name must be 1-64 ASCII letters (a-z, A-Z), digits, '.', '_' or '-'");
            }
            if (s == null) {
                error(path, "empty service");
                return;
            }
            if (s.dependsOn().isEmpty()) {
                error(path + ".dependsOn", Reasons.missing("the instances this service needs"));
            }
            for (int i = 0; i < s.dependsOn().size(); i++) {
                String d = s.dependsOn().get(i);
                if (d == null || !c.instances().containsKey(d)) {
                    error(path + ".dependsOn[" + i + "]", "no instance '" + d + "'"
                            + (c.instances().isEmpty() ? "" : " (instances: " + String.join(", ", c.instances().keySet())
                                    + ")"));
                }
            }
            if (s.bfd().isEmpty() && s.frrPeers().isEmpty() && s.frrRoutes().isEmpty()) {
                error(path, "nothing to withdraw: give it bfd sessions, frrPeers or frrRoutes");
            }
            List<SessionConfig> built = new ArrayList<>();
            for (int i = 0; i < s.bfd().size(); i++) {
                SessionConfig sc = bfd(path + ".bfd[" + i + "]", s.bfd().get(i));
                if (sc != null) {
                    String other = keys.putIfAbsent(sc.key(), path + ".bfd[" + i + "]");
                    if (other != null) {
                        error(path + ".bfd[" + i + "]", "the same session (" + sc.key() + ") is already " + other);
                    } else {
                        built.add(sc);
                    }
                }
            }
            sessions.put(name, List.copyOf(built));
            for (int i = 0; i < s.frrPeers().size(); i++) {
                BfdPeerSpec p = s.frrPeers().get(i);
                String pp = path + ".frrPeers[" + i + "]";
                if (p == null) {
                    error(pp, "empty peer");
                    continue;
                }
                if (p.shutdown()) {
                    error(pp + ".shutdown", "the agent shuts the peer down and up itself; leave this out");
                }
                String other = frrPeerKeys.putIfAbsent(p.key().toString(), pp);
                if (other != null) {
                    error(pp, "the same bfdd peer is already " + other);
                }
            }
            for (int i = 0; i < s.frrRoutes().size(); i++) {
                RouteSpec r = s.frrRoutes().get(i);
                if (r == null) {
                    error(path + ".frrRoutes[" + i + "]", "empty route");
                }
            }
        });
    }

    /** Checks one native session by building it as the BFD library would; null when bad. */
    private SessionConfig bfd(String path, BfdSessionConfig b) {
        if (b == null) {
            error(path, "empty session");
            return null;
        }
        int before = errors.size();
        if (b.peer() == null) {
            error(path + ".peer", Reasons.missing("the router's address"));
        }
        if (b.local() == null) {
            error(path + ".local", Reasons.missing("our address: the router's next hop for this service"));
        }
        // Whether the namespace exists is the running agent's concern (it may appear later, and
        // check-config may run elsewhere); its name must be one `ip netns` accepts.
        if (b.namespace() != null && !NETNS_NAME.matcher(b.namespace()).matches()) {
            error(path + ".namespace", "'" + b.namespace() + "' is not a network namespace name");
        }
        if (!b.multihop() && b.minTtl() != 255) {
            error(path + ".minTtl", "single-hop sessions accept only TTL 255 (RFC 5881 §5); minTtl is for multihop");
        }
        AuthType authType = AuthType.NONE;
        List<AuthKey> authKeys = new ArrayList<>();
        if (b.auth() != null) {
            authType = authType(path + ".auth", b.auth(), authKeys);
        }
        if (errors.size() > before) {
            return null;
        }
        try {
            SessionConfig.Builder sb = SessionConfig.builder().hop(b.multihop() ? HopMode.MULTI_HOP : HopMode.SINGLE_HOP)
                    .peer(b.peer()).local(b.local()).iface(b.iface()).desiredMinTx(b.minTx()).requiredMinRx(b.minRx())
                    .detectMult(b.multiplier()).passive(b.passive()).minTtl(b.minTtl()).dscp(b.dscp());
            if (authType != AuthType.NONE) {
                if (b.auth().keys() == null) {
                    sb.auth(authType, b.auth().keyId(), authKeys.get(0).secret());
                } else {
                    sb.auth(authType, authKeys, b.auth().sendKey());
                }
            }
            return sb.build();
        } catch (FieldException e) {
            String field = BFD_FIELDS.getOrDefault(e.field(), e.field().replaceFirst("^(auth\\.keys\\[\\d+]\\.)secret$",
                    "$1secretFile"));
            error(path + "." + field, e.reason());
        } catch (IllegalArgumentException e) {
            error(path, e.getMessage());
        }
        return null;
    }

    /**
     * {@code auth:} the type and every key, one-key form ({@code keyId}, {@code secretFile})
     * or chain ({@code keys}, {@code sendKeyId}); the keys read go to {@code out}. Returns the
     * type (null when missing or unknown). Lengths for the type are the library's check.
     */
    private AuthType authType(String ap, BfdSessionConfig.AuthConfig a, List<AuthKey> out) {
        AuthType type = null;
        try {
            type = a.type() == null ? null : AuthType.parse(a.type());
            if (type == null) {
                error(ap + ".type", "missing (simple-password, keyed-md5, meticulous-keyed-md5, keyed-sha1, "
                        + "meticulous-keyed-sha1)");
            }
        } catch (IllegalArgumentException e) {
            error(ap + ".type", e.getMessage());
        }
        if (a.keys() == null) {
            if (a.sendKeyId() != null) {
                error(ap + ".sendKeyId", "only with keys (a key chain); one key given as keyId is the one sent with");
            }
            if (a.keyId() == null) {
                error(ap + ".keyId", "missing (0-255, as configured on the router)");
            } else if (a.keyId() < 0 || a.keyId() > 255) {
                error(ap + ".keyId", Reasons.outside(a.keyId(), 0, 255));
            }
            Secret secret = secret(ap + ".secretFile", a.secretFile());
            if (secret != null && a.keyId() != null) {
                out.add(AuthKey.of(a.keyId(), secret));
            }
            return type;
        }
        if (a.keyId() != null) {
            error(ap + ".keyId", "give either keyId and secretFile (one key) or keys (a key chain), not both");
        }
        if (a.secretFile() != null) {
            error(ap + ".secretFile", "give either keyId and secretFile (one key) or keys (a key chain), not both");
        }
        if (a.keys().isEmpty()) {
            error(ap + ".keys", "empty (at least one key: {id: 1, secretFile: /etc/xlat-sentinel/router.key})");
            return type;
        }
        Map<Integer, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < a.keys().size(); i++) {
            BfdSessionConfig.AuthKeyConfig k = a.keys().get(i);
            String kp = ap + ".keys[" + i + "]";
            if (k == null) {
                error(kp, "empty key");
                continue;
            }
            if (k.id() == null) {
                error(kp + ".id", "missing (0-255, as configured on the router)");
            } else if (k.id() < 0 || k.id() > 255) {
                error(kp + ".id", Reasons.outside(k.id(), 0, 255));
            } else {
                Integer other = seen.putIfAbsent(k.id(), i);
                if (other != null) {
                    error(kp + ".id", "key ID " + k.id() + " is already keys[" + other + "]");
                }
            }
            Secret secret = secret(kp + ".secretFile", k.secretFile());
            if (secret != null && k.id() != null) {
                out.add(AuthKey.of(k.id(), secret));
            }
        }
        String ids = String.join(", ", seen.keySet().stream().map(String::valueOf).toList());
        if (a.sendKey() == null) {
            error(ap + ".sendKeyId", "missing (which of the keys " + ids + " packets are signed with)");
        } else if (!seen.isEmpty() && !seen.containsKey(a.sendKey())) {
            error(ap + ".sendKeyId", a.sendKey() + " is not one of the keys (" + ids + ")");
        }
        return type;
    }

    /** A key file: absolute, a regular file, readable by its owner only, owned by root or us. */
    private Secret secret(String path, Path file) {
        if (file == null) {
            error(path, Reasons.missing("a file holding the key; keys are never written in the config"));
            return null;
        }
        if (!file.isAbsolute()) {
            error(path, "'" + file + "' is not an absolute path");
            return null;
        }
        try {
            PosixFileAttributes attrs = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                error(path, file + " is not a regular file");
                return null;
            }
            Set<PosixFilePermission> perms = attrs.permissions();
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                    error(path, file + " is readable or writable by group or others (mode "
                            + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); chmod 600 it");
                    return null;
                }
            }
            String owner = attrs.owner().getName();
            if (!owner.equals("root") && !owner.equals(System.getProperty("user.name"))) {
                error(path, file + " is owned by " + owner + " (must be root or the agent's user)");
                return null;
            }
            byte[] key = KeyFile.key(Files.readAllBytes(file));
            if (key.length == 0) {
                error(path, file + " is empty");
                return null;
            }
            return Secret.of(key);
        } catch (java.nio.file.NoSuchFileException e) {
            error(path, "no such file " + file);
        } catch (java.nio.file.AccessDeniedException e) {
            error(path, "permission denied reading " + file + " as user " + System.getProperty("user.name")
                    + " (the packaged unit runs as xlat-sentinel: hand the key over with LoadCredential=, "
                    + "docs/systemd.md, or chown it to that user)");
        } catch (IOException e) {
            error(path, "cannot read " + file + ": " + e.getMessage());
        }
        return null;
    }

    private void absolute(String path, Path p) {
        if (p != null && !p.isAbsolute()) {
            error(path, "'" + p + "' is not an absolute path");
        }
    }

    private void duration(String path, Duration d, Duration min, Duration max) {
        if (d != null && (d.compareTo(min) < 0 || d.compareTo(max) > 0)) {
            error(path, Reasons.outside(d, min, max));
        }
    }

}

package dev.xlatsentinel.agent.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent knows of the namespaces its BFD engines entered that were deleted or created
 * again ({@link NamespaceWatch}), on the agent loop: one log line when a namespace is lost and
 * one when it is created again, what status shows beside the sessions, and what the rebuild
 * must do. No clock and no lookup of its own: the core hands it what it looked up.
 *
 * <p>While a name is deleted its sessions keep their sockets in the orphaned namespace (they
 * reach no one there once its links are gone, and nothing can be rebuilt): status says so.
 * Once it is created again they are rebuilt there, in one reload-like transaction of those
 * sessions alone ({@link ReloadPlan#recreatingIn}), tried again until it succeeds (the new
 * namespace gets its interfaces and addresses after its name).
 */
final class NamespaceLoss {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private Map<String, NamespaceWatch.Lost> known = Map.of();
    /** Per namespace, the last cause a rebuild failed for (logged once until it changes). */
    private final Map<String, String> failed = new LinkedHashMap<>();

    /**
     * Takes the namespaces lost now; logs what changed since the last look (a deletion as a
     * warning) and returns those lines. {@code sessions}: the sessions of each namespace, by name.
     */
    List<String> update(Map<String, NamespaceWatch.Lost> now, Map<String, List<String>> sessions) {
        List<String> lines = new ArrayList<>();
        now.forEach((ns, l) -> {
            NamespaceWatch.Lost before = known.get(ns);
            if (before != null && before.createdAgain() == l.createdAgain()) {
                return;
            }
            String which = String.join(", ", sessions.getOrDefault(ns, List.of()));
            String line = l.createdAgain()
                    ? "namespace " + ns + " was created again: rebuilding " + which + " in the new one"
                    : "namespace " + ns + " was deleted: " + which + " keep their sockets in the orphaned namespace"
                            + " (they reach no one once its links are gone) and are rebuilt when it is created again";
            if (l.createdAgain()) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
            lines.add(line);
        });
        known.keySet().stream().filter(ns -> !now.containsKey(ns)).forEach(failed::remove);
        known = Map.copyOf(now);
        return lines;
    }

    /** The names of the native sessions of {@code config} by namespace (the agent's own left out). */
    static Map<String, List<String>> sessionsByNamespace(dev.xlatsentinel.agent.config.LoadedConfig config) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        config.config().services().forEach((service, s) -> {
            List<dev.xlatsentinel.bfd.SessionConfig> built = config.bfdSessions().getOrDefault(service, List.of());
            for (int i = 0; i < built.size(); i++) {
                String ns = s.bfd().get(i).namespace();
                if (ns != null) {
                    out.computeIfAbsent(ns, k -> new ArrayList<>()).add("bfd " + built.get(i).key());
                }
            }
        });
        return out;
    }

    /** Why status shows a session of {@code namespace} as lost (null: it is not). */
    String why(String namespace) {
        NamespaceWatch.Lost l = namespace == null ? null : known.get(namespace);
        return l == null ? null : l.why();
    }

    /** The namespaces created again, each with the reason a rebuild plan gives its sessions. */
    Map<String, String> createdAgain() {
        Map<String, String> out = new LinkedHashMap<>();
        known.forEach((ns, l) -> {
            if (l.createdAgain()) {
                out.put(ns, "network namespace " + ns + " was created again");
            }
        });
        return out;
    }

    /**
     * A rebuild of {@code namespaces} failed for {@code cause}: the line to log, or null when
     * that cause was logged already (it is tried again every few polls).
     */
    String rebuildFailed(java.util.Collection<String> namespaces, String cause) {
        boolean fresh = false;
        for (String ns : namespaces) {
            fresh |= !cause.equals(failed.put(ns, cause));
        }
        return fresh ? "namespace " + String.join(", ", namespaces) + " was created again; its BFD sessions cannot"
                + " be rebuilt there yet: " + cause + " (tried again every second, and by a reload)" : null;
    }
}

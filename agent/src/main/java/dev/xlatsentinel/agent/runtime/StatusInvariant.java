package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.agent.action.Actuator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Status never lies" (docs/agent.md): a service shown announced has every actuator live and
 * released; one shown withdrawn has every actuator holding it down, or gone. The agent checks
 * it after every decision (from what each actuator was last told: free) and on every status
 * and scrape (also against what each BFD session really does, read from the BFD loop), and
 * logs a broken one as an error, once until it holds again.
 */
final class StatusInvariant {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private final Set<String> reported = new HashSet<>();

    /** What status would show wrongly, from what each actuator was last told. */
    static List<String> lies(Collection<ServiceRuntime> services) {
        List<String> out = new ArrayList<>();
        for (ServiceRuntime s : services) {
            for (Actuator a : s.actuators) {
                Actuator.Standing st = a.standing();
                if (!s.withdrawn && st != Actuator.Standing.RELEASED) {
                    out.add("service " + s.name + " is shown announced but " + a.describe() + " is "
                            + st.name().toLowerCase(Locale.ROOT));
                } else if (s.withdrawn && st == Actuator.Standing.RELEASED) {
                    out.add("service " + s.name + " is shown withdrawn but " + a.describe() + " is released");
                }
            }
        }
        return out;
    }

    /**
     * The same against each native session as the BFD loop reports it (held Down or not), and
     * against its namespace as looked up now ({@code lostNow}: the names of BFD namespaces
     * deleted or created again): a session whose sockets are in an orphaned namespace is not
     * live, whatever it is told, so status must say so ({@code lost}) instead of letting an
     * announced service's released session pass.
     */
    static List<String> sessionLies(AgentSnapshot snap, java.util.Set<String> lostNow) {
        List<String> out = new ArrayList<>();
        for (AgentSnapshot.Service s : snap.services()) {
            for (AgentSnapshot.Bfd b : s.bfd()) {
                if (b.namespace() != null && lostNow.contains(b.namespace()) && b.lost() == null) {
                    out.add("service " + s.name() + " is shown " + (s.withdrawn() ? "withdrawn" : "announced")
                            + " but bfd " + b.snapshot().key() + " runs in namespace " + b.namespace()
                            + ", which was deleted or created again, and status does not say so");
                }
                if (b.snapshot().heldDown() != s.withdrawn()) {
                    out.add("service " + s.name() + " is shown " + (s.withdrawn() ? "withdrawn" : "announced")
                            + " but bfd " + b.snapshot().key() + (b.snapshot().heldDown() ? " is held down"
                                    : " is not held down"));
                }
            }
        }
        return out;
    }

    /**
     * Logs each broken invariant loudly, once until it holds again; returns those logged now
     * (a lie still standing from an earlier check is not logged again).
     */
    List<String> report(List<String> lies) {
        List<String> logged = new ArrayList<>();
        for (String lie : lies) {
            if (reported.add(lie)) {
                LOG.error("STATUS WOULD LIE (a bug; please report it): {}", lie);
                logged.add(lie);
            }
        }
        reported.retainAll(lies);
        return logged;
    }
}

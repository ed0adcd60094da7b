package dev.xlatsentinel.agent.runtime;

import dev.xlatsentinel.bfd.auth.AuthConfig;
import dev.xlatsentinel.bfd.auth.AuthKey;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log line of a key chain applied to a live session by reload (RFC 5880 §6.7), in the
 * steps of a rollover: {@code key 2 added}, {@code sending with key 2 instead of 1},
 * {@code key 1 removed}. Names key IDs, never keys.
 */
final class KeyChange {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private KeyChange() {
    }

    static void log(String session, AuthConfig was, AuthConfig now) {
        List<String> steps = new ArrayList<>();
        List<Integer> replaced = new ArrayList<>();
        for (AuthKey k : now.keys()) {
            AuthKey old = was.key(k.id());
            if (old == null) {
                steps.add("key " + k.id() + " added");
            } else if (!old.secret().equals(k.secret())) {
                steps.add("key " + k.id() + "'s secret replaced");
                replaced.add(k.id());
            }
        }
        if (was.sendKeyId() != now.sendKeyId()) {
            steps.add("sending with key " + now.sendKeyId() + " instead of " + was.sendKeyId());
        }
        for (AuthKey k : was.keys()) {
            if (now.key(k.id()) == null) {
                steps.add("key " + k.id() + " removed");
            }
        }
        LOG.info("{}: {} ({}): applied live, the session is not recreated; accepts keys {}, sends with key {}",
                session, String.join(", ", steps), now.type(), ids(now), now.sendKeyId());
        if (!replaced.isEmpty()) {
            // Under the same ID the peer checks our packets with its old secret until it has the new one.
            LOG.warn("{}: a new secret under an existing key ID ({}) is not a hitless rollover: the router refuses"
                    + " packets signed with it until it has the same secret; use a new key ID, accepted on both"
                    + " sides before either sends with it", session, ids(replaced));
        }
    }

    private static String ids(AuthConfig c) {
        return ids(c.keyIds());
    }

    private static String ids(List<Integer> ids) {
        return String.join(", ", ids.stream().map(String::valueOf).toList());
    }
}

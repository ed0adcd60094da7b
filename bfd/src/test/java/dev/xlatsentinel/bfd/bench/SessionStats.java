package dev.xlatsentinel.bfd.bench;

import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.bfd.SessionListener;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.bfd.codec.State;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the benchmark counts from the engine's state changes: sessions Up now, and Down
 * transitions from Up since the last {@link #mark()} by local diagnostic (detection time
 * expired: the peer's packets were late or lost; neighbor signalled: the peer timed us out).
 */
final class SessionStats implements SessionListener {
    private final Set<SessionKey> up = new HashSet<>();
    private final Set<SessionKey> flapped = new HashSet<>();
    private final Map<String, Long> downsByDiag = new TreeMap<>();
    private long downsFromUp;
    private long downsTotal;
    private String firstDown = "";

    @Override
    public synchronized void stateChanged(StateChange c) {
        if (c.newState() == State.UP) {
            up.add(c.key());
        } else if (c.oldState() == State.UP) {
            up.remove(c.key());
            downsTotal++;
            downsFromUp++;
            flapped.add(c.key());
            downsByDiag.merge(c.localDiag().label(), 1L, Long::sum);
            if (firstDown.isEmpty()) {
                firstDown = c.at() + " " + c;
            }
        }
    }

    /** Starts the measurement window: what went Down before is forgotten. */
    synchronized void mark() {
        flapped.clear();
        downsByDiag.clear();
        downsFromUp = 0;
        firstDown = "";
    }

    synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("up", up.size());
        m.put("downsFromUp", downsFromUp);
        m.put("downsFromUpSinceStart", downsTotal);
        m.put("sessionsFlapped", flapped.size());
        downsByDiag.forEach((diag, count) -> m.put("downs:" + diag, count));
        m.put("firstDown", firstDown);
        return m;
    }
}

package dev.xlatsentinel.bfd.interop;

import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.bfd.SessionListener;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.bfd.codec.State;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every state change, for assertions such as "never Up while held". */
final class Listening implements SessionListener {
    final List<StateChange> changes = new CopyOnWriteArrayList<>();

    @Override
    public void stateChanged(StateChange change) {
        changes.add(change);
    }

    List<State> statesOf(SessionKey key) {
        return changes.stream().filter(c -> c.key().equals(key)).map(StateChange::newState).toList();
    }
}

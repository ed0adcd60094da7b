package dev.xlatsentinel.agent.boundaries;

import dev.xlatsentinel.bfd.session.SessionTable;

/** What {@link ModuleBoundariesTest} must refuse: agent code that uses a BFD internal. */
final class ReachesIntoBfd {
    int sessions(SessionTable table) {
        return table.size();
    }
}

package dev.xlatsentinel.bfd;

import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import java.time.Instant;

/** One state change of a session, as listeners see it. */
public record StateChange(SessionKey key, State oldState, State newState, Diagnostic localDiag,
        Diagnostic remoteDiag, String reason, Instant at) {
    @Override
    public String toString() {
        return key + ": " + oldState + " -> " + newState + " (local diag " + localDiag + ", remote diag "
                + remoteDiag + "): " + reason;
    }
}

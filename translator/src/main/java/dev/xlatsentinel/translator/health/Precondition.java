package dev.xlatsentinel.translator.health;

/**
 * Something every round of an instance needs besides its probes, checked at the end of each
 * round: the network namespace the probes run in is still the translator's. When it does not
 * hold, the round fails whatever the probes say (k of n does not apply), with its reason.
 */
public interface Precondition {
    /** Its name in reasons and status, e.g. {@code namespace lower}. */
    String name();

    /** Null when it holds; else why not, in one line. Quick: it runs at the end of every round. */
    String violated();
}

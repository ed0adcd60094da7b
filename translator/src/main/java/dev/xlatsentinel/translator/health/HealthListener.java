package dev.xlatsentinel.translator.health;

/**
 * Gets every change of an instance's state, in order, on the thread that finished the
 * round. Keep it short; an exception is logged and does not stop the others.
 */
@FunctionalInterface
public interface HealthListener {
    void onChange(HealthChange change);
}

package dev.xlatsentinel.translator.config;

import dev.xlatsentinel.translator.event.EventMode;

/**
 * A probe whose subject the kernel announces changes of (a process's exit, a link, a route),
 * with {@code onEvent}: how those events count ({@code count} when left out).
 */
public interface WatchedProbeSpec {
    /** As written: {@code off}, {@code count}, {@code down}, or null. */
    String onEvent();

    /** The mode; call it on a checked spec ({@link ConfigValidator}). */
    default EventMode eventMode() {
        return onEvent() == null ? EventMode.COUNT : EventMode.parse(onEvent());
    }
}

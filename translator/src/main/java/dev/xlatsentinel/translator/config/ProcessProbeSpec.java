package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code type: process}: a long-running process named by {@code pidFile} is alive (/proc: not a
 * zombie, not stopped), and, when {@code processName} is given, is that program (its name as
 * /proc/PID/stat shows it, up to 15 characters: a reused pid is caught).
 * {@code onEvent} ({@code count}, the default; {@code down}; {@code off}): how its exit, seen
 * through a pidfd, counts.
 */
@JsonIgnoreProperties({"type"})
public record ProcessProbeSpec(String name, String pidFile, String processName, String onEvent)
        implements ProbeSpec, WatchedProbeSpec {
    @Override
    public String type() {
        return "process";
    }
}

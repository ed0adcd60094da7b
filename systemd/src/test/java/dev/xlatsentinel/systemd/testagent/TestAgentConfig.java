package dev.xlatsentinel.systemd.testagent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The test agent's configuration: {@code key: value} lines (a YAML subset), {@code #} comments.
 *
 * @param startupDelay    time between start and READY=1
 * @param heartbeatPeriod how often the event loop beats
 * @param heartbeatLimit  silence after which the event loop counts as stalled
 * @param controlDir      where the test drops freeze files
 */
record TestAgentConfig(Duration startupDelay, Duration heartbeatPeriod, Duration heartbeatLimit, Path controlDir) {
    private static final Set<String> KEYS = Set.of("startup-delay-ms", "heartbeat-period-ms", "heartbeat-limit-ms",
            "control-dir");

    static TestAgentConfig read(Path file) {
        Map<String, String> v = new HashMap<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file)) {
                n++;
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                int colon = s.indexOf(':');
                String key = colon < 0 ? s : s.substring(0, colon).strip();
                if (colon < 0 || !KEYS.contains(key)) {
                    throw new IllegalArgumentException(file + ":" + n + ": unknown key " + key + " (known: " + KEYS + ")");
                }
                v.put(key, s.substring(colon + 1).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new TestAgentConfig(millis(v, "startup-delay-ms", 0), millis(v, "heartbeat-period-ms", 100),
                millis(v, "heartbeat-limit-ms", 1000), Path.of(v.getOrDefault("control-dir", "/lab/out")));
    }

    private static Duration millis(Map<String, String> v, String key, long dflt) {
        String s = v.get(key);
        try {
            return Duration.ofMillis(s == null ? dflt : Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number of milliseconds: " + s, e);
        }
    }
}

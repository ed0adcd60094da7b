package dev.xlatsentinel.frr.bfdd;

import dev.xlatsentinel.frr.vty.VtyClientConfig;
import dev.xlatsentinel.frr.vty.VtyEndpoint;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where bfdd is and how to talk to it.
 *
 * @param endpoint     bfdd's vty socket ({@code <vtyDir>/bfdd.vty})
 * @param vty          timeouts and reconnect backoff
 * @param pollInterval how often peer states are polled for listeners; null for no polling
 */
public record FrrBfddConfig(VtyEndpoint endpoint, VtyClientConfig vty, Duration pollInterval) {

    public FrrBfddConfig {
        if (endpoint == null) {
            throw new IllegalArgumentException("endpoint: required");
        }
        if (vty == null) {
            vty = VtyClientConfig.DEFAULTS;
        }
        if (pollInterval != null && (pollInterval.isNegative() || pollInterval.toMillis() < 10)) {
            throw new IllegalArgumentException("pollInterval: at least 10 ms, or null for no polling; got "
                    + pollInterval);
        }
    }

    /** bfdd in {@code vtyDir} with default timing, polling every second. */
    public static FrrBfddConfig of(Path vtyDir) {
        return new FrrBfddConfig(new VtyEndpoint(vtyDir, "bfdd"), VtyClientConfig.DEFAULTS, Duration.ofSeconds(1));
    }
}

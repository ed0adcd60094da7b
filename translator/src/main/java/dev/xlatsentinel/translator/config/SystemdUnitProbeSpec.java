package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code type: systemd-unit}: A systemd unit is active. */
@JsonIgnoreProperties({"type"})
public record SystemdUnitProbeSpec(String name, String unit) implements ProbeSpec {
    @Override
    public String type() {
        return "systemd-unit";
    }
}

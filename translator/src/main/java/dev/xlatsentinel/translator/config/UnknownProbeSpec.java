package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A probe whose {@code type} is missing or not one of {@link ProbeSpec#TYPES}: kept to be reported. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UnknownProbeSpec(String type, String name) implements ProbeSpec {
}

package dev.xlatsentinel.translator.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One probe of an instance, as configured. The {@code type} property picks the record; an
 * unknown or missing type binds to {@link UnknownProbeSpec} so that
 * {@link ConfigValidator} reports it with its field path instead of the binder failing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownProbeSpec.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = IcmpProbeSpec.class, name = "icmp"),
    @JsonSubTypes.Type(value = TcpProbeSpec.class, name = "tcp"),
    @JsonSubTypes.Type(value = JoolProbeSpec.class, name = "jool"),
    @JsonSubTypes.Type(value = TaygaProbeSpec.class, name = "tayga"),
    @JsonSubTypes.Type(value = SystemdUnitProbeSpec.class, name = "systemd-unit"),
    @JsonSubTypes.Type(value = InterfaceProbeSpec.class, name = "interface"),
    @JsonSubTypes.Type(value = RouteProbeSpec.class, name = "route"),
    @JsonSubTypes.Type(value = CommandProbeSpec.class, name = "command"),
    @JsonSubTypes.Type(value = ProcessProbeSpec.class, name = "process"),
})
public sealed interface ProbeSpec permits IcmpProbeSpec, TcpProbeSpec, JoolProbeSpec, TaygaProbeSpec,
        SystemdUnitProbeSpec, InterfaceProbeSpec, RouteProbeSpec, CommandProbeSpec, ProcessProbeSpec,
        UnknownProbeSpec {
    /** The type names, as written in config. */
    String TYPES = "icmp, tcp, jool, tayga, systemd-unit, interface, route, command, process";

    /** The probe's name in logs and status; null means the type name. */
    String name();

    /** The {@code type} as written in config. */
    String type();
}

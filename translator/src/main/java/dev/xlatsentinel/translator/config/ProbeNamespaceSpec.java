package dev.xlatsentinel.translator.config;

import dev.xlatsentinel.platform.net.InterfaceAddress;

/**
 * The namespace datapath probes start from.
 *
 * @param name                an ip netns name
 * @param create              create it (and the veth pair to the translator's namespace) if missing
 * @param probeInterface      veth end in the probe namespace (create only)
 * @param translatorInterface veth end in the translator namespace (create only)
 * @param probeAddress        IPv6 address/length on the probe side (create only)
 * @param translatorAddress   IPv6 address/length on the translator side, the probe namespace's gateway (create only)
 */
public record ProbeNamespaceSpec(String name, Boolean create, String probeInterface, String translatorInterface,
        InterfaceAddress probeAddress, InterfaceAddress translatorAddress) {
}

package dev.xlatsentinel.bfd.bench;

import dev.xlatsentinel.lab.Netns;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's IPv6 UDP counters of a namespace (/proc/net/snmp6 read inside it): receive
 * buffer overflows there mean a daemon read too late, and a packet lost that way is a
 * false detection waiting to happen.
 */
record UdpCounters(Map<String, Long> values) {
    static UdpCounters of(Netns ns) {
        Map<String, Long> m = new HashMap<>();
        for (String line : ns.run("cat", "/proc/net/snmp6").split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2 && f[0].startsWith("Udp6")) {
                m.put(f[0], Long.parseLong(f[1]));
            }
        }
        return new UdpCounters(m);
    }

    long since(UdpCounters earlier, String name) {
        return values.getOrDefault(name, 0L) - earlier.values.getOrDefault(name, 0L);
    }
}

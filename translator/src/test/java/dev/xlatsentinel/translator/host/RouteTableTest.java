package dev.xlatsentinel.translator.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** /proc/net/route and /proc/net/ipv6_route as the kernel prints them (captured in a lab namespace). */
class RouteTableTest {
    private static final String V4 = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            s0\t00000000\t0A004064\t0003\t0\t0\t0\t00000000\t0\t0\t0
            s0\t00004064\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            nat64\t00FF4064\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            lo\t00090964\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0
            """;
    private static final String V6 = """
            0064ff9b000000000000000000000000 60 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 00000001    nat64
            20010db8ffff00000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001       p0
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
            """;

    @Test
    void ipv4RoutesWithGatewayAndWithoutRejectRoutes() {
        assertThat(RouteTable.parseIpv4(V4)).extracting(Object::toString).containsExactly(
                "0.0.0.0/0 via 100.64.0.10 dev s0", "100.64.0.0/24 dev s0", "100.64.255.0/24 dev nat64");
    }

    @Test
    void ipv6RoutesLeaveOutTheUnreachableDefaultEveryNamespaceHas() {
        assertThat(RouteTable.parseIpv6(V6)).extracting(Object::toString).containsExactly(
                "64:ff9b::/96 dev nat64", "2001:db8:ffff::/64 dev p0");
    }
}

package dev.xlatsentinel.translator.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The parser against datagrams a real kernel sent (rtnetlink-veth.hex, recorded by
 * record-rtnetlink.py in a throwaway namespace: a veth pair added, set up, given addresses,
 * a route added and removed in each family, set down and deleted; a link dump; a request for
 * an interface that does not exist). The kernel-event IT covers the live socket; this covers
 * the bytes, one step at a time.
 */
class RtnetlinkMessageTest {
    private static Map<String, List<RtnetlinkMessage>> steps;

    @BeforeAll
    static void load() throws IOException {
        // netlink is native-endian: the recording is from x86_64.
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "recorded on a little-endian host");
        steps = new LinkedHashMap<>();
        try (InputStream in = RtnetlinkMessageTest.class.getResourceAsStream("rtnetlink-veth.hex")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                byte[] datagram = HexFormat.of().parseHex(f[1]);
                steps.computeIfAbsent(f[0], k -> new ArrayList<>())
                        .addAll(RtnetlinkMessage.parse(datagram, datagram.length));
            }
        }
    }

    private static <T> List<T> of(String step, Class<T> type) {
        return steps.get(step).stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static LinkState last(String step, String name) {
        List<LinkState> links = of(step, RtnetlinkMessage.Link.class).stream().map(RtnetlinkMessage.Link::state)
                .filter(l -> l.name().equals(name)).toList();
        assertThat(links).as("links named %s in %s", name, step).isNotEmpty();
        return links.get(links.size() - 1);
    }

    @Test
    void linkLifecycleNamesAndStates() {
        assertThat(of("add-veth", RtnetlinkMessage.Link.class)).extracting(l -> l.state().name())
                .contains("xsd0", "xsd1");
        assertThat(of("add-veth", RtnetlinkMessage.Link.class)).noneMatch(RtnetlinkMessage.Link::removed);
        assertThat(last("add-veth", "xsd0").adminUp()).isFalse();

        LinkState up = last("set-up", "xsd0");
        assertThat(up.isUp()).as("xsd0 after both ends are up: %s", up).isTrue();
        assertThat(up.operState()).isEqualTo("up");

        LinkState down = last("set-down", "xsd0");
        assertThat(down.adminUp()).isFalse();
        assertThat(down.isUp()).isFalse();
        assertThat(down.downReason()).isNotEmpty();

        assertThat(of("del-veth", RtnetlinkMessage.Link.class)).filteredOn(RtnetlinkMessage.Link::removed)
                .extracting(l -> l.state().name()).contains("xsd0", "xsd1");
    }

    @Test
    void oneInterfaceKeepsItsIndexThroughItsLife() {
        int index = last("add-veth", "xsd0").index();
        assertThat(index).isPositive();
        assertThat(last("set-up", "xsd0").index()).isEqualTo(index);
        assertThat(last("del-veth", "xsd0").index()).isEqualTo(index);
        assertThat(last("add-veth", "xsd1").index()).isNotEqualTo(index);
    }

    @Test
    void addressesInBothFamiliesAddedAndRemoved() throws Exception {
        int index = last("add-veth", "xsd0").index();
        assertThat(of("addr4", RtnetlinkMessage.Address.class)).containsExactly(
                new RtnetlinkMessage.Address(false, index, InetAddress.getByName("192.0.2.1"), 24));
        assertThat(of("addr6", RtnetlinkMessage.Address.class)).contains(
                new RtnetlinkMessage.Address(false, index, InetAddress.getByName("2001:db8::1"), 64));
        assertThat(of("del-veth", RtnetlinkMessage.Address.class)).contains(
                new RtnetlinkMessage.Address(true, index, InetAddress.getByName("192.0.2.1"), 24));
        // Setting the link down takes its IPv6 addresses away (the IPv4 one stays until deletion).
        assertThat(of("set-down", RtnetlinkMessage.Address.class)).contains(
                new RtnetlinkMessage.Address(true, index, InetAddress.getByName("2001:db8::1"), 64));
    }

    @Test
    void unicastRoutesWithTheirOutputInterface() throws Exception {
        int index = last("add-veth", "xsd0").index();
        InetAddress v4 = InetAddress.getByName("198.51.100.0");
        InetAddress v6 = InetAddress.getByName("64:ff9b::");

        List<RtnetlinkMessage.Route> added4 = of("route4-add", RtnetlinkMessage.Route.class).stream()
                .filter(r -> r.isUnicastTo(v4, 24)).toList();
        assertThat(added4).singleElement().satisfies(r -> {
            assertThat(r.removed()).isFalse();
            assertThat(r.table()).isEqualTo(RtnetlinkMessage.RT_TABLE_MAIN);
            assertThat(r.oifs()).containsExactly(index);
        });
        assertThat(of("route6-add", RtnetlinkMessage.Route.class)).filteredOn(r -> r.isUnicastTo(v6, 96))
                .singleElement().satisfies(r -> assertThat(r.oifs()).containsExactly(index));

        assertThat(of("route4-del", RtnetlinkMessage.Route.class)).filteredOn(r -> r.isUnicastTo(v4, 24))
                .singleElement().satisfies(r -> assertThat(r.removed()).isTrue());
        assertThat(of("route6-del", RtnetlinkMessage.Route.class)).filteredOn(r -> r.isUnicastTo(v6, 96))
                .singleElement().satisfies(r -> assertThat(r.removed()).isTrue());
        // Local and broadcast routes the kernel adds with an address are not unicast ones.
        InetAddress own = InetAddress.getByName("192.0.2.1");
        assertThat(of("addr4", RtnetlinkMessage.Route.class)).filteredOn(r -> r.destination().equals(own))
                .isNotEmpty().noneMatch(r -> r.isUnicastTo(own, 32));
    }

    @Test
    void dumpEndsWithDoneForItsRequest() {
        List<RtnetlinkMessage> dump = steps.get("dump-seq7");
        assertThat(dump.get(dump.size() - 1)).isEqualTo(new RtnetlinkMessage.Done(7));
        assertThat(dump).filteredOn(RtnetlinkMessage.Link.class::isInstance)
                .extracting(m -> ((RtnetlinkMessage.Link) m).state().name()).contains("lo");
    }

    @Test
    void errorAnswerCarriesItsRequestAndErrno() {
        final int enodev = 19;
        assertThat(steps.get("get-missing-seq9")).containsExactly(new RtnetlinkMessage.Error(9, enodev));
    }

    @Test
    void aLengthThatDoesNotFitIsRefusedNamingItsOffset() {
        String hex = """
                740000001800000600000000000000000a080000ff0200050000000008000f00ff000000\
                """;
        byte[] cut = HexFormat.of().parseHex(hex);
        assertThatThrownBy(() -> RtnetlinkMessage.parse(cut, cut.length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 0").hasMessageContaining("length 116");
    }
}

package dev.xlatsentinel.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.net.HostPort;
import dev.xlatsentinel.platform.net.IpPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
    record Peer(InetAddress address, Duration interval, Integer multiplier) {
        Peer {
            if (multiplier != null && multiplier < 1) {
                throw new FieldException("multiplier", multiplier + " is outside 1 to 255");
            }
        }
    }

    record Site(String name, HostPort listen, List<IpPrefix> prefixes, Map<String, Peer> peers, Boolean enabled) {
    }

    private static ConfigReader.Result<Site> read(String yaml) {
        return new ConfigReader().read(yaml.getBytes(), Site.class);
    }

    private static List<String> errors(String yaml) {
        return read(yaml).errors().stream().map(FieldError::toString).toList();
    }

    @Test
    void aGoodFileBindsToTypedValues() {
        Site s = read("""
                name: gw1
                listen: "[::1]:9464"
                prefixes: [64:ff9b::/96, 100.64.0.0/10]
                peers:
                  a: {address: 2001:db8::1, interval: 10ms, multiplier: 3}
                """).value();
        assertThat(s.listen()).hasToString("[::1]:9464");
        assertThat(s.prefixes()).extracting(IpPrefix::toString).containsExactly("64:ff9b::/96", "100.64.0.0/10");
        assertThat(s.peers().get("a").interval()).isEqualTo(Duration.ofMillis(10));
        assertThat(s.peers().get("a").address().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void aFileWithThreeMistakesReportsThree() {
        assertThat(errors("""
                name: gw1
                listen: localhost:9464
                prefixes: [64:ff9b::1/96]
                peers:
                  a: {address: 2001:db8::1, interval: 10, multiplier: 3}
                """)).containsExactly(
                "line 2, column 1: listen: 'localhost' is not an IP address (a listener binds an address, not a name)",
                "line 3, column 12: prefixes[0]: 64:ff9b::1/96 has host bits set",
                "line 5, column 29: peers.a.interval: a duration needs a unit, e.g. \"10ms\", \"1s\", \"2m\"; got 10");
    }

    @Test
    void unknownKeysWrongTypesAndRefusedRecordsAreEachOneError() {
        assertThat(errors("""
                name: 5
                lisen: 127.0.0.1:1
                enabled: "yes"
                peers:
                  a: {address: gw.example, multiplier: 0}
                  b: [1, 2]
                """)).containsExactly(
                "line 1, column 1: name: expected a string, got '5'",
                "line 2, column 1: lisen: unknown field 'lisen' (known here: enabled, listen, name, peers, prefixes)",
                "line 3, column 1: enabled: expected true or false, got 'yes'",
                "line 5, column 7: peers.a.address: 'gw.example' is not an IPv4 or IPv6 address",
                "line 5, column 28: peers.a.multiplier: 0 is outside 1 to 255",
                "line 6, column 3: peers.b: expected a mapping, got a list");
    }

    @Test
    void aRecordThatRefusesAFieldIsNamedAtThatField() {
        assertThat(errors("""
                peers:
                  a: {address: 192.0.2.1, multiplier: 0}
                """)).containsExactly("line 2, column 27: peers.a.multiplier: 0 is outside 1 to 255");
    }

    @Test
    void everyRepeatedKeyIsReportedAndReadingGoesOn() {
        assertThat(errors("""
                name: a
                name: b
                listen: 1.2.3.4:1
                listen: 1.2.3.4:2
                prefixes: [10.0.0.1/8]
                """)).containsExactly("line 2, column 1: name: appears twice in the same mapping",
                "line 4, column 1: listen: appears twice in the same mapping",
                "line 5, column 12: prefixes[0]: 10.0.0.1/8 has host bits set");
    }

    @Test
    void aSyntaxErrorStopsTheReadAndAnEmptyFileSaysSo() {
        ConfigReader.Result<Site> r = read("prefixes: [a, b\nname: x: y\n");
        assertThat(r.value()).isNull();
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEmpty();
            assertThat(e.line()).isPositive();
            assertThat(e.reason()).startsWith("not valid YAML: ");
        });
        assertThat(errors("# nothing here\n")).containsExactly("the file is empty");
    }

    @Test
    void laterChecksArePlacedAndDoNotRepeatAFieldThatFailed() {
        ConfigReader.Result<Site> r = read("""
                name: gw1
                peers:
                  a: {address: nowhere}
                """).with(List.of(FieldError.of("peers.a.address", "missing"), FieldError.of("name", "taken"),
                FieldError.of("listen", "missing (HOST:PORT)")));
        assertThat(r.errors()).extracting(FieldError::toString).containsExactly(
                "listen: missing (HOST:PORT)",
                "line 1, column 1: name: taken",
                "line 3, column 7: peers.a.address: 'nowhere' is not an IPv4 or IPv6 address");
    }
}

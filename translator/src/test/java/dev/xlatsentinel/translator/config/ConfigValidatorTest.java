package dev.xlatsentinel.translator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.platform.config.ConfigReader;
import dev.xlatsentinel.platform.config.FieldError;
import dev.xlatsentinel.platform.net.IpAddresses;
import dev.xlatsentinel.translator.datapath.Nat64Prefix;
import dev.xlatsentinel.translator.health.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad config: each error names its field path; and the records bind from the agent's config text. */
class ConfigValidatorTest {
    private static final ConfigReader READER = new ConfigReader();

    private static final String GOOD_PROBES = """
            [ {"type": "icmp", "prefix": "64:ff9b::/96", "targets": ["192.0.2.1", "198.51.100.1"], "required": 1},
              {"type": "tayga", "pidFile": "/run/tayga.pid", "tun": "nat64"} ]""";

    static TranslatorConfig parse(String json) {
        ConfigReader.Result<TranslatorConfig> r = READER.read(json.getBytes(), TranslatorConfig.class);
        assertThat(r.errors()).isEmpty();
        return r.value();
    }

    /** Every problem of {@code json} as the pipeline finds it (binding, then checks), without line and column. */
    static List<String> problems(String json) {
        ConfigReader.Result<TranslatorConfig> r = READER.read(json.getBytes(), TranslatorConfig.class);
        if (r.value() != null) {
            r = r.with(ConfigValidator.validate(r.value()));
        }
        return r.errors().stream().map(e -> e.path() + ": " + e.reason()).toList();
    }

    /** A config with one instance "lower" whose probes (and health) are {@code probes} ({@code health}). */
    static String lower(String probes, String health) {
        return "{\"instances\": {\"lower\": {\"namespace\": \"lower\", "
                + (health == null ? "" : "\"health\": " + health + ", ") + "\"probes\": " + probes + "}}}";
    }

    @Test
    void aFullConfigBindsFromTextAndIsValid() throws Exception {
        TranslatorConfig c = parse("""
                {"instances": {
                  "lower": {
                    "namespace": "lower",
                    "probeNamespace": {"name": "probe-lower", "create": true, "probeInterface": "pr0",
                      "translatorInterface": "p0", "probeAddress": "2001:db8:ffff::2/64",
                      "translatorAddress": "2001:db8:ffff::1/64"},
                    "health": {"rise": 2, "fall": 2, "interval": "PT0.1S", "fastInterval": "PT0.02S",
                      "timeout": "PT0.05S", "required": 2},
                    "probes": [
                      {"type": "icmp", "name": "icmp", "prefix": "64:ff9b::/96", "targets": ["192.0.2.1"]},
                      {"type": "tcp", "prefix": "64:ff9b::/96", "targets": ["192.0.2.1"], "port": 443},
                      {"type": "jool", "instance": "lower", "sessionSync": true},
                      {"type": "systemd-unit", "unit": "jool@lower.service"},
                      {"type": "interface", "interface": "eth1"},
                      {"type": "route", "destination": "0.0.0.0/0"},
                      {"type": "command", "command": ["/usr/local/bin/check-egress", "--quiet"]}
                    ]
                  },
                  "siit": {"probes": [{"type": "jool", "flavor": "siit", "instance": "siit"}]}
                }}""");
        assertThat(ConfigValidator.validate(c)).isEmpty();
        InstanceSpec lower = c.instances().get("lower");
        assertThat(lower.probes()).hasSize(7);
        assertThat(lower.probes().get(4)).isEqualTo(new InterfaceProbeSpec(null, "eth1", null));
        assertThat(lower.health().policy()).isEqualTo(new HealthPolicy(2, 2, Duration.ofMillis(100),
                Duration.ofMillis(20), Duration.ofMillis(50), 2, Duration.ofMillis(500)));
        assertThat(lower.probes().get(0)).isEqualTo(new IcmpProbeSpec("icmp", Nat64Prefix.parse("64:ff9b::/96"),
                List.of(IpAddresses.ipv4("192.0.2.1")), null, null, null));
        // Defaults, filled where the file is bound, and clipped to a short interval.
        assertThat(c.instances().get("siit").health().policy()).isEqualTo(HealthPolicy.DEFAULTS);
        assertThat(new HealthSpec(null, 2, Duration.ofMillis(10), null, null, null).policy())
                .isEqualTo(new HealthPolicy(3, 2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(10),
                        0, Duration.ofMillis(100)));
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("unknown probe type", """
                        [ {"type": "icmp", "prefix": "64:ff9b::/96", "targets": ["192.0.2.1"]}, {"type": "icmpx"} ]""",
                        null, List.of("instances.lower.probes[1].type: unknown probe type 'icmpx' (one of icmp, tcp,"
                                + " jool, tayga, systemd-unit, interface, route, command, process)")),
                Arguments.of("missing probe type", "[ {\"prefix\": \"64:ff9b::/96\"} ]", null,
                        List.of("instances.lower.probes[0].type: missing (one of icmp, tcp, jool, tayga, systemd-unit,"
                                + " interface, route, command, process)")),
                Arguments.of("missing target", "[ {\"type\": \"icmp\", \"prefix\": \"64:ff9b::/96\"} ]", null,
                        List.of("instances.lower.probes[0].targets: missing target (at least one IPv4 address to"
                                + " reach through the translator)")),
                Arguments.of("bad target", """
                        [ {"type": "tcp", "prefix": "64:ff9b::/96", "targets": ["192.0.2.1", "example.org"],
                           "port": 70000} ]""", null,
                        List.of("instances.lower.probes[0].targets[1]: 'example.org' is not an IPv4 address",
                                "instances.lower.probes[0].port: 70000 is outside 1 to 65535")),
                Arguments.of("prefix not an RFC 6052 length", """
                        [ {"type": "icmp", "prefix": "64:ff9b::/80", "targets": ["192.0.2.1"]} ]""", null,
                        List.of("instances.lower.probes[0].prefix: NAT64 prefix length must be one of 32, 40, 48,"
                                + " 56, 64, 96 (RFC 6052 §2.2), not /80")),
                Arguments.of("k > n targets", """
                        [ {"type": "icmp", "prefix": "64:ff9b::/96", "targets": ["192.0.2.1", "192.0.2.2"],
                           "required": 3} ]""", null,
                        List.of("instances.lower.probes[0].required: 3 targets required but only 2 configured"
                                + " (k must be <= n)")),
                Arguments.of("k > n probes", GOOD_PROBES, "{\"required\": 3}",
                        List.of("instances.lower.health.required: 3 probes required but the instance has 2"
                                + " (k must be <= n)")),
                Arguments.of("timings out of range", GOOD_PROBES, """
                        {"rise": 0, "fall": 101, "interval": "PT0.1S", "fastInterval": "PT0.2S",
                         "timeout": "PT0S"}""",
                        List.of("instances.lower.health.rise: 0 is outside 1 to 100",
                                "instances.lower.health.fall: 101 is outside 1 to 100",
                                "instances.lower.health.fastInterval: 200ms is outside 1ms to 100ms",
                                "instances.lower.health.timeout: 0s is outside 1ms to 100ms")),
                Arguments.of("interval too long", GOOD_PROBES, "{\"interval\": \"PT2H\"}",
                        List.of("instances.lower.health.interval: 2h is outside 1ms to 1h")),
                Arguments.of("jool and tayga fields", """
                        [ {"type": "jool", "flavor": "nat46", "bibUsageMax": 1.5},
                          {"type": "tayga", "pidFile": "run/tayga.pid", "tun": "a/b"},
                          {"type": "route", "destination": "0.0.0.0"},
                          {"type": "command", "command": []} ]""", null,
                        List.of("instances.lower.probes[0].instance: missing (the Jool instance name, as in jool -i NAME)",
                                "instances.lower.probes[0].flavor: 'nat46' is not nat64 or siit",
                                "instances.lower.probes[0].bibUsageMax: 1.5 is not a fraction in (0, 1]",
                                "instances.lower.probes[1].pidFile: 'run/tayga.pid' is not an absolute path",
                                "instances.lower.probes[1].tun: 'a/b' is not an interface name (1-15 characters,"
                                        + " no '/' or spaces)",
                                "instances.lower.probes[2].destination: '0.0.0.0' is not ADDRESS/LENGTH (e.g."
                                        + " 192.0.2.0/24, 2001:db8::/32)",
                                "instances.lower.probes[3].command: missing (the command and its arguments, as a"
                                        + " list)")),
                Arguments.of("duplicate probe names", """
                        [ {"type": "interface", "interface": "eth0"}, {"type": "interface", "interface": "eth1"} ]""",
                        null, List.of("instances.lower.probes[1].name: another probe of this instance is called"
                                + " 'interface' (give each probe a distinct name)")),
                Arguments.of("no probes", "[]", null, List.of("instances.lower.probes: at least one probe is needed")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigIsRejectedNamingTheField(String what, String probes, String health, List<String> errors) {
        assertThat(problems(lower(probes, health))).containsExactlyElementsOf(errors);
    }

    @Test
    void checkThrowsListingEveryError() {
        TranslatorConfig c = parse(lower("[ {\"type\": \"icmp\", \"prefix\": \"64:ff9b::/96\"} ]", "{\"rise\": 0}"));
        assertThatThrownBy(() -> ConfigValidator.check(c)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("instances.lower.health.rise: 0 is outside 1 to 100")
                .hasMessageContaining("instances.lower.probes[0].targets: missing target");
    }

    @Test
    void probeNamespaceToCreateNeedsItsLinkAndAddresses() throws Exception {
        assertThat(problems("""
                {"instances": {"lower": {"probeNamespace": {"name": "probe", "create": true,
                  "probeInterface": "pr0", "probeAddress": "10.0.0.2/24", "translatorAddress": "2001:db8::1"},
                  "probes": [{"type": "interface", "interface": "eth0"}]}}}""")).containsExactly(
                "instances.lower.probeNamespace.translatorInterface: missing (an interface name)",
                "instances.lower.probeNamespace.probeAddress: 10.0.0.2/24 is not an IPv6 address with prefix length",
                "instances.lower.probeNamespace.translatorAddress: '2001:db8::1' is not ADDRESS/LENGTH (e.g."
                        + " 192.0.2.0/24, 2001:db8::/32)");
        assertThat(ConfigValidator.validate(new TranslatorConfig(null))).extracting(FieldError::toString)
                .containsExactly("instances: no instance configured");
    }
}

package dev.xlatsentinel.agent.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.KeyFile;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.bfd.auth.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router's side of the seed layout, golden for both dialects. */
class RouterConfigTest {
    private static final Path DIR = Path.of("src/test/resources/render");

    @Test
    void birdConfigForTheSeedLayout() throws Exception {
        LoadedConfig c = ConfigLoader.load(Path.of("src/main/config/examples/jool-seed.yaml"));
        golden("jool-seed.bird.conf", RouterConfig.bird(c.config().services(), new RouterConfig.Options("eth1", false)));
    }

    @Test
    void frrConfigForTheSeedLayout() throws Exception {
        LoadedConfig c = ConfigLoader.load(Path.of("src/main/config/examples/jool-seed.yaml"));
        golden("jool-seed.frr.conf", RouterConfig.frr(c.config().services(), new RouterConfig.Options(null, false)));
    }

    /** Two prefixes, both families, one service: BIRD names a protocol once; no route mixes families. */
    @Test
    void eachPrefixGoesViaSessionsOfItsFamilyInOneProtocolPerFamily() throws Exception {
        Path yaml = Files.createTempFile("dual", ".yaml");
        try {
            Files.writeString(yaml, """
                    instances:
                      t: {probes: [{type: tayga, pidFile: /run/tayga.pid, tun: nat64}]}
                    services:
                      dual:
                        dependsOn: [t]
                        prefixes: [64:ff9b::/97, 64:ff9b::8000:0/97, 192.0.2.0/24]
                        bfd:
                          - {peer: 2001:db8:ff::1, local: 2001:db8:ff::a, minTx: 20ms}
                          - {peer: 192.0.2.254, local: 192.0.2.1, minTx: 20ms}
                      v6only:
                        dependsOn: [t]
                        prefixes: [198.51.100.0/24]
                        bfd:
                          - {peer: 2001:db8:ff::1, local: 2001:db8:ff::b, minTx: 20ms}
                    """);
            LoadedConfig c = ConfigLoader.load(yaml);
            golden("dual.bird.conf", RouterConfig.bird(c.config().services(), new RouterConfig.Options("eth1", false)));
            String frr = RouterConfig.frr(c.config().services(), new RouterConfig.Options(null, false));
            golden("dual.frr.conf", frr);
            for (String line : frr.split("\n")) {
                assertThat(line.strip().startsWith("!") || !line.contains("!")).as("a comment after a command: " + line)
                        .isTrue();
            }
            assertThat(frr).doesNotContain("route 198.51.100.0/24").doesNotContain("192.0.2.0/24 2001")
                    .doesNotContain("64:ff9b::/97 192.");
        } finally {
            Files.delete(yaml);
        }
    }

    /**
     * A key chain: every key becomes a BIRD password with its id, the agent's send key first
     * (BIRD signs with the first valid one); FRR is told it has no BFD authentication.
     */
    @Test
    void aKeyChainBecomesBirdPasswordsWithTheSendKeyFirst() throws Exception {
        Path dir = Files.createTempDirectory("chain");
        try {
            Path k1 = key(dir.resolve("k1"), "old-key");
            Path k2 = key(dir.resolve("k2"), "new \"key\"");
            Path yaml = dir.resolve("agent.yaml");
            Files.writeString(yaml, """
                    instances:
                      t: {probes: [{type: tayga, pidFile: /run/tayga.pid, tun: nat64}]}
                    services:
                      nat64:
                        dependsOn: [t]
                        prefixes: [64:ff9b::/96]
                        bfd:
                          - peer: 2001:db8:ff::1
                            local: 2001:db8:ff::a
                            auth:
                              type: meticulous-keyed-sha1
                              keys: [{id: 1, secretFile: K1}, {id: 2, secretFile: K2}]
                              sendKeyId: 2
                    """.replace("K1", k1.toString()).replace("K2", k2.toString()));
            LoadedConfig c = ConfigLoader.load(yaml);
            String bird = RouterConfig.bird(c.config().services(), new RouterConfig.Options("eth1", true));
            assertThat(bird).contains("""
                        authentication meticulous keyed sha1;
                        # BIRD signs with the first password and accepts each; the agent accepts each too
                        password "new \\"key\\"" { id 2; };
                        password "old-key" { id 1; };
                    """);
            String placeholders = RouterConfig.bird(c.config().services(), new RouterConfig.Options("eth1", false));
            assertThat(placeholders).contains("password \"<contents of " + k2 + ">\" { id 2; };")
                    .doesNotContain("old-key");
            assertThat(RouterConfig.frr(c.config().services(), new RouterConfig.Options(null, false)))
                    .contains("(meticulous-keyed-sha1, key IDs 1, 2); FRR's bfdd (10.3 included) has no BFD"
                            + " authentication");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static Path key(Path file, String content) throws Exception {
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void theRouterGetsTheVeryKeyBytesTheAgentSignsWithTrailingSpaceIncluded(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("router.key");
        Files.writeString(key, "s3cret \r\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String yaml = Files.readString(Path.of("src/main/config/examples/tayga-gateway.yaml"))
                .replace("multiplier: 3", "multiplier: 3\n        auth: {type: keyed-sha1, keyId: 7, secretFile: " + key
                        + "}");
        assertThat(yaml).contains("secretFile");
        Path file = Files.writeString(dir.resolve("agent.yaml"), yaml);
        LoadedConfig c = ConfigLoader.load(file);
        Secret signsWith = c.bfdSessions().values().iterator().next().get(0).auth().sendKey().secret();
        assertThat(signsWith).isEqualTo(Secret.of("s3cret ".getBytes(StandardCharsets.UTF_8)));
        String bird = RouterConfig.bird(c.config().services(), new RouterConfig.Options("eth1", true));
        assertThat(bird).contains("password \"s3cret \" { id 7; }");
    }

    @Test
    void aKeyFileLosesOnlyItsLineEndsAndAKeyARouterCannotQuoteIsNamed() {
        assertThat(KeyFile.key("k\n\r\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(new byte[] {'k'});
        assertThat(KeyFile.key(" k \t".getBytes(StandardCharsets.UTF_8))).isEqualTo(" k \t".getBytes(StandardCharsets.UTF_8));
        assertThat(KeyFile.asConfigText("pässwort".getBytes(StandardCharsets.UTF_8))).isEqualTo("pässwort");
        assertThatThrownBy(() -> KeyFile.asConfigText(new byte[] {'a', (byte) 0xff}))
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> KeyFile.asConfigText("a\tb".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("control characters");
    }

    /** The seed's layout on two gateways, halves by IPv4 destination: the whole plan from gw1's config. */
    @Test
    void birdAndFrrConfigForThePartitionedSeed() throws Exception {
        LoadedConfig c = ConfigLoader.load(Path.of("src/main/config/examples/jool-partitioned.yaml"));
        String bird = RouterConfig.bird(c.config(), new RouterConfig.Options("eth1", false));
        golden("jool-partitioned.bird.conf", bird);
        String frr = RouterConfig.frr(c.config(), new RouterConfig.Options(null, false));
        golden("jool-partitioned.frr.conf", frr);
        // The other gateway's next hops are routed too; the SIIT service outside the plan on its own.
        assertThat(bird).contains("route 64:ff9b::/97 via 2001:db8:ff::b1 bfd;", "route 64:ff9b::/97 via 2001:db8:ff::a1 bfd;",
                "route 2001:db8:46::/96 via 2001:db8:ff::a3 bfd;");
        assertThat(frr).contains("ipv6 route 64:ff9b::8000:0/97 2001:db8:ff::b2 ", "ipv6 route 2001:db8:46::/96 2001:db8:ff::a3 bfd");
        assertThat(bird).doesNotContain("protocol static xlat_nat64_lower");
    }

    /**
     * Three gateways, 8 parts: each part once per BIRD protocol (one protocol per preference),
     * and at FRR each part to each gateway at distances 10, 20, 30 in the part's order.
     */
    @Test
    void threeGatewaysInEightPartsGetOnePreferenceLevelPerGateway() throws Exception {
        Path yaml = Files.createTempFile("three", ".yaml");
        try {
            Files.writeString(yaml, """
                    instances:
                      tayga: {namespace: gwa, probes: [{type: tayga, pidFile: /run/tayga.pid, tun: nat64}]}
                    services:
                      nat64:
                        dependsOn: [tayga]
                        prefixes: [64:ff9b::/96]
                        bfd:
                          - {peer: 2001:db8:ff::1, local: 2001:db8:ff::a, interface: lan0, namespace: gwa, minTx: 10ms}
                    partitions:
                      prefix: 64:ff9b::/96
                      parts: 8
                      gateways:
                        gwa: [{nextHop: 2001:db8:ff::a}]
                        gwb: [{nextHop: 2001:db8:ff::b}]
                        gwc: [{nextHop: 2001:db8:ff::c}]
                    """);
            LoadedConfig c = ConfigLoader.load(yaml);
            String bird = RouterConfig.bird(c.config(), new RouterConfig.Options("lan0", false));
            golden("three-gateways.bird.conf", bird);
            String frr = RouterConfig.frr(c.config(), new RouterConfig.Options(null, false));
            golden("three-gateways.frr.conf", frr);
            for (int rank = 1; rank <= 3; rank++) {
                String proto = bird.substring(bird.indexOf("protocol static xlat_partitions_" + rank));
                proto = proto.substring(0, proto.indexOf("}\n") + 1);
                assertThat(proto).contains("preference " + (210 - 10 * rank) + ";");
                assertThat(proto.lines().filter(l -> l.contains(" route ")).count()).isEqualTo(8);
            }
            assertThat(frr.lines().filter(l -> l.startsWith("ipv6 route ") && l.contains(" bfd ")).count()).isEqualTo(24);
            assertThat(frr.lines().filter(l -> l.startsWith("ipv6 route 64:ff9b::e000:0/99 ")))
                    .extracting(l -> l.split(" ")[4]).containsExactly("10", "20", "30");
            // The last resort: the whole prefix via every gateway, never a part's prefix without bfd.
            assertThat(bird).contains("protocol static xlat_partitions_last_resort {\n  ipv6 { preference 1; };\n"
                    + "  route 64:ff9b::/96 via 2001:db8:ff::a via 2001:db8:ff::b via 2001:db8:ff::c;\n}\n");
            assertThat(frr.lines().filter(l -> l.startsWith("ipv6 route 64:ff9b::/96 ")))
                    .containsExactly("ipv6 route 64:ff9b::/96 2001:db8:ff::a 250", "ipv6 route 64:ff9b::/96 2001:db8:ff::b 250",
                            "ipv6 route 64:ff9b::/96 2001:db8:ff::c 250");
            String none = RouterConfig.bird(c.config(), new RouterConfig.Options("lan0", false, false));
            assertThat(none).doesNotContain("last_resort").contains("protocol static xlat_partitions_3 {");
        } finally {
            Files.delete(yaml);
        }
    }

    /** A missing golden file fails: it is never written by the run that was meant to check it. */
    /**
     * FRR's last resort names the router's interface: a route to the same next hop at another
     * distance would replace the BFD-tracked one (FRR 10.3 then tracks nothing), a route via
     * the gateway on an interface is another next hop, kept beside it (Frr10RouterMatrixIT).
     */
    @Test
    void frrLastResortNamesTheRoutersInterfaceSoThatFrrKeepsTheTrackedRoute() throws Exception {
        LoadedConfig c = ConfigLoader.load(Path.of("src/main/config/examples/jool-seed.yaml"));
        String frr = RouterConfig.frr(c.config().services(), new RouterConfig.Options("eth1", false));
        golden("jool-seed-eth1.frr.conf", frr);
        assertThat(frr).contains("ipv6 route 64:ff9b::/97 2001:db8:ff::a1 bfd profile xlat-sentinel\n")
                .contains("ipv6 route 64:ff9b::/97 2001:db8:ff::a1 eth1 250\n")
                .doesNotContain("2001:db8:ff::a1 250");
    }

    static void golden(String name, String actual) throws Exception {
        Path file = DIR.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s is missing: run with -Dgolden.update=true, then review it", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }
}

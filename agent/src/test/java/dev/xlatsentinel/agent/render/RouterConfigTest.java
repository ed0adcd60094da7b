package dev.xlatsentinel.agent.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.KeyFile;
import dev.xlatsentinel.agent.config.LoadedConfig;
import dev.xlatsentinel.agent.golden.Golden;
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
        Secret signsWith = c.bfdSessions().values().iterator().next().get(0).auth().secret();
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

    static void golden(String name, String actual) throws Exception {
        Golden.assertMatches(DIR.resolve(name), actual);
    }
}

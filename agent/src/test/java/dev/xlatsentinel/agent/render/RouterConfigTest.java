package dev.xlatsentinel.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.agent.config.ConfigLoader;
import dev.xlatsentinel.agent.config.LoadedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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

    static void golden(String name, String actual) throws Exception {
        Path file = DIR.resolve(name);
        if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
            Files.writeString(file, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(file));
    }
}

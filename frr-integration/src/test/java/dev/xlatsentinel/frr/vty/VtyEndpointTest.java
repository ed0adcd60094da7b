package dev.xlatsentinel.frr.vty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VtyEndpointTest {
    @Test
    void socketPathFollowsFrrsLayout() {
        assertThat(VtyEndpoint.of("bfdd").socket()).isEqualTo(Path.of("/var/run/frr/bfdd.vty"));
        assertThat(VtyEndpoint.inPathspace("gw1", "bfdd").socket()).isEqualTo(Path.of("/var/run/frr/gw1/bfdd.vty"));
        assertThat(new VtyEndpoint(Path.of("/run/xs/frr"), "ospfd-2").socket())
                .isEqualTo(Path.of("/run/xs/frr/ospfd-2.vty"));
    }

    @Test
    void badValuesNameTheirField() {
        assertThatThrownBy(() -> VtyEndpoint.of("../etc")).hasMessageStartingWith("daemon:");
        assertThatThrownBy(() -> VtyEndpoint.inPathspace("../x", "bfdd")).hasMessageStartingWith("pathspace:");
        assertThatThrownBy(() -> new VtyEndpoint(null, "bfdd")).hasMessageStartingWith("vtyDir:");
        assertThatThrownBy(() -> new VtyEndpoint(Path.of("/" + "d".repeat(120)), "bfdd"))
                .hasMessageStartingWith("vtyDir:").hasMessageContaining("AF_UNIX");
        assertThatThrownBy(() -> new VtyClientConfig(null, null, null, null, null))
                .hasMessageStartingWith("connectTimeout:");
    }
}

package dev.xlatsentinel.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesBothFamiliesWithOrWithoutBrackets() {
        assertThat(HostPort.parse("127.0.0.1:9464")).hasToString("127.0.0.1:9464");
        assertThat(HostPort.parse("[::1]:9464")).hasToString("[::1]:9464");
        assertThat(HostPort.parse("::1:9464")).isEqualTo(HostPort.parse("[::1]:9464"));
        assertThat(HostPort.parse("[2001:DB8::0:1]:0").host()).isEqualTo("[2001:db8::1]");
        assertThat(HostPort.parse("127.0.0.1:0").socketAddress().getPort()).isZero();
    }

    @Test
    void refusesNamesBadPortsAndNoPort() {
        assertThatThrownBy(() -> HostPort.parse("9464")).hasMessage("'9464' is not HOST:PORT (e.g. 127.0.0.1:9464)");
        assertThatThrownBy(() -> HostPort.parse("localhost:9464"))
                .hasMessage("'localhost' is not an IP address (a listener binds an address, not a name)");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:http")).hasMessage("'http' is not a port number");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:65536")).hasMessage("port 65536 is outside 0 to 65535");
    }
}

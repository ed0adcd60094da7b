package dev.xlatsentinel.platform.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What needs no namespace of its own: errors, and the host namespace's thread. Entering real
 * namespaces is tested where the lab harness makes them (translator's NetworkNamespaceIT).
 */
class NetworkNamespaceTest {
    @Test
    void aMissingNamespaceOrAFileThatIsNotOneIsAClearError() {
        assertThatThrownBy(() -> NetworkNamespace.open("xs-no-such-namespace")).isInstanceOf(NamespaceException.class)
                .hasMessage("network namespace xs-no-such-namespace does not exist (no /run/netns/xs-no-such-namespace)");
        assertThatThrownBy(() -> NetworkNamespace.open("/etc/hostname")).isInstanceOf(NamespaceException.class)
                .hasMessageStartingWith("setns(/etc/hostname, CLONE_NEWNET) failed: ");
        assertThatThrownBy(() -> NetworkNamespace.open("../etc")).isInstanceOf(NamespaceException.class)
                .hasMessage("not a namespace name: '../etc'");
    }

    @Test
    void theHostNamespaceRunsTasksOnItsOwnThreadWithoutAPrefix() throws Exception {
        try (NetworkNamespace host = NetworkNamespace.host()) {
            assertThat(host.isHost()).isTrue();
            assertThat(host.commandPrefix()).isEmpty();
            assertThat(host.call(() -> Thread.currentThread().getName()).join()).isEqualTo("netns-host");
            String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            assertThat(host.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString()).join())
                    .isEqualTo(ours);
        }
    }

    @Test
    void namesResolveUnderRunNetnsAndPathsStayAsGiven() {
        assertThat(NetworkNamespace.resolve("dataplane")).isEqualTo(Path.of("/run/netns/dataplane"));
        assertThat(NetworkNamespace.resolve("/proc/1/ns/net")).isEqualTo(Path.of("/proc/1/ns/net"));
    }
}

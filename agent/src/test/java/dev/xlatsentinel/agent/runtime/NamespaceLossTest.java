package dev.xlatsentinel.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent says and plans when a BFD engine's namespace is deleted and created again. */
class NamespaceLossTest {
    private static final Map<String, List<String>> SESSIONS = Map.of("gw1", List.of("bfd A", "bfd B"));

    private static NamespaceWatch.Lost deleted() {
        return new NamespaceWatch.Lost("gw1", false, "namespace gw1 was deleted; ...");
    }

    private static NamespaceWatch.Lost createdAgain() {
        return new NamespaceWatch.Lost("gw1", true, "namespace gw1 was created again; ...");
    }

    @Test
    void aDeletionIsOneLineAndStatusSaysItUntilTheNamespaceIsBack() {
        NamespaceLoss l = new NamespaceLoss();
        assertThat(l.update(Map.of("gw1", deleted()), SESSIONS)).containsExactly("namespace gw1 was deleted: bfd A,"
                + " bfd B keep their sockets in the orphaned namespace (they reach no one once its links are gone)"
                + " and are rebuilt when it is created again");
        assertThat(l.update(Map.of("gw1", deleted()), SESSIONS)).as("said once").isEmpty();
        assertThat(l.why("gw1")).isEqualTo("namespace gw1 was deleted; ...");
        assertThat(l.why(null)).isNull();
        assertThat(l.createdAgain()).as("nothing to rebuild in a namespace that is gone").isEmpty();

        assertThat(l.update(Map.of("gw1", createdAgain()), SESSIONS)).containsExactly("namespace gw1 was created"
                + " again: rebuilding bfd A, bfd B in the new one");
        assertThat(l.createdAgain()).containsExactly(Map.entry("gw1", "network namespace gw1 was created again"));

        assertThat(l.update(Map.of(), SESSIONS)).as("rebuilt: nothing to say").isEmpty();
        assertThat(l.why("gw1")).isNull();
        assertThat(l.createdAgain()).isEmpty();
    }

    @Test
    void aRebuildThatFailsIsLoggedOncePerCause() {
        NamespaceLoss l = new NamespaceLoss();
        l.update(Map.of("gw1", createdAgain()), SESSIONS);
        assertThat(l.rebuildFailed(List.of("gw1"), "no interface 'eth0'")).isEqualTo("namespace gw1 was created"
                + " again; its BFD sessions cannot be rebuilt there yet: no interface 'eth0' (tried again every"
                + " second, and by a reload)");
        assertThat(l.rebuildFailed(List.of("gw1"), "no interface 'eth0'")).isNull();
        assertThat(l.rebuildFailed(List.of("gw1"), "cannot send from 2001:db8::a")).isNotNull();
        l.update(Map.of(), SESSIONS);
        l.update(Map.of("gw1", createdAgain()), SESSIONS);
        assertThat(l.rebuildFailed(List.of("gw1"), "cannot send from 2001:db8::a")).as("a new episode says it again")
                .isNotNull();
    }

    @Test
    void theNameIsComparedWithTheNamespaceTheEngineEntered(@TempDir Path dir) throws IOException {
        Path file = Files.createFile(dir.resolve("gw1"));
        long entered = dev.xlatsentinel.platform.netns.NetworkNamespace.inodeOf(file);
        assertThat(NamespaceWatch.lost("gw1", file, entered)).isNull();
        Files.delete(file);
        assertThat(NamespaceWatch.lost("gw1", file, entered)).extracting(NamespaceWatch.Lost::createdAgain)
                .isEqualTo(false);
        Files.createFile(dir.resolve("other"));
        Files.createFile(file);
        assertThat(NamespaceWatch.lost("gw1", file, entered).createdAgain()).as("another inode").isTrue();
    }
}

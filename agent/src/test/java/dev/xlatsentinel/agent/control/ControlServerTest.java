package dev.xlatsentinel.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.xlatsentinel.lab.Poll;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
    @TempDir
    Path dir;

    private final ControlHandler echo = (req, caller) -> {
        if (req.path("command").asText().equals("fail")) {
            throw new ControlException("instance nope is not configured");
        }
        return TextNode.valueOf(req.path("command").asText() + " by " + caller.user());
    };

    @Test
    void answersOneRequestPerConnectionWithTheCallersName() throws Exception {
        try (ControlServer server = ControlServer.open(dir.resolve("control.sock"), null, echo)) {
            ControlClient client = new ControlClient(server.path());
            assertThat(client.call(request("status")).asText()).isEqualTo("status by " + System.getProperty(
                    "user.name"));
        }
    }

    @Test
    void aHandlerErrorReachesTheClientAsItsMessage() throws Exception {
        try (ControlServer server = ControlServer.open(dir.resolve("control.sock"), null, echo)) {
            assertThatThrownBy(() -> new ControlClient(server.path()).call(request("fail")))
                    .isInstanceOf(ControlException.class).hasMessage("instance nope is not configured");
        }
    }

    @Test
    void socketIsOwnerOnlyWithoutAGroupAndGroupReadableWithOne() throws Exception {
        try (ControlServer server = ControlServer.open(dir.resolve("a.sock"), null, echo)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.path())))
                    .isEqualTo("rw-------");
        }
        String group = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class).group()
                .getName();
        try (ControlServer server = ControlServer.open(dir.resolve("b.sock"), group, echo)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.path())))
                    .isEqualTo("rw-rw----");
        }
    }

    /**
     * A reload that changes the group: the new socket is prepared beside the running one and
     * answers nobody until it is published over the same path; the old one answers the
     * request it is serving (the reload's own) after that, then stops, and leaves the path to
     * the new one. A group the host lacks fails the prepare and leaves the running socket be.
     */
    @Test
    void aReloadReplacesTheSocketAtTheSamePathWithAnotherGroup() throws Exception {
        Path p = dir.resolve("control.sock");
        String group = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class).group()
                .getName();
        java.util.concurrent.CountDownLatch replaced = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch serving = new java.util.concurrent.CountDownLatch(1);
        ControlHandler slow = (req, caller) -> {
            if (req.path("command").asText().equals("reload")) {
                serving.countDown();
                try {
                    replaced.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return TextNode.valueOf("answered by the old socket");
        };
        ControlServer old = ControlServer.open(p, null, slow);
        assertThatThrownBy(() -> ControlServer.prepare(p, "xs-no-such-group", echo, old))
                .hasMessage("controlGroup: no group 'xs-no-such-group' on this host");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
        var reply = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new ControlClient(p).call(request("reload")).asText();
            } catch (ControlException e) {
                return "error: " + e.getMessage();
            }
        });
        assertThat(serving.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        ControlServer next = ControlServer.prepare(p, group, echo, old);
        try {
            assertThat(new ControlClient(p).call(request("status")).asText()).as("not published yet")
                    .isEqualTo("answered by the old socket");
            next.publish();
            var retired = old.retire(true);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-rw----");
            assertThat(new ControlClient(p).call(request("status")).asText()).startsWith("status by ");
            replaced.countDown();
            assertThat(reply.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("answered by the old socket");
            retired.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(p).as("the new socket's file stays").exists();
            assertThat(new ControlClient(p).call(request("status")).asText()).startsWith("status by ");
        } finally {
            replaced.countDown();
            next.close();
        }
        assertThat(p).doesNotExist();
    }

    /**
     * controlSocket A -> B -> A while a client still holds a connection to the first A: the
     * first A retires only once that client is done, and must then leave the second A's
     * socket file alone (it used to remove it: the agent had no control socket left).
     */
    @Test
    void aSocketRetiredLateLeavesTheFileOfTheServerThatTookItsPathBack() throws Exception {
        Path a = dir.resolve("control.sock");
        Path b = dir.resolve("control2.sock");
        ControlServer.Limits fast = new ControlServer.Limits(Duration.ofMillis(500), Duration.ofSeconds(5), 32, 64);
        ControlServer first = ControlServer.open(a, null, echo, fast);
        ControlServer back = null;
        try (SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(a))) {
            ControlServer moved = ControlServer.prepare(b, null, echo, first);
            moved.publish();
            var firstRetired = first.retire(false);
            back = ControlServer.prepare(a, null, echo, moved);
            back.publish();
            var movedRetired = moved.retire(false);
            movedRetired.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(new String(java.nio.channels.Channels.newInputStream(idle).readAllBytes(),
                    StandardCharsets.UTF_8)).contains("no request within 500 ms");
            firstRetired.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(b).as("the socket moved away from is removed").doesNotExist();
            assertThat(a).as("the socket put back at the first path stays").exists();
            assertThat(new ControlClient(a).call(request("status")).asText()).startsWith("status by ");
        } finally {
            if (back != null) {
                back.close();
            }
        }
        assertThat(a).as("removed by the server that owns it").doesNotExist();
    }

    @Test
    void malformedRequestsGetAnErrorNotASilentClose() throws Exception {
        try (ControlServer server = ControlServer.open(dir.resolve("control.sock"), null, echo)) {
            assertThat(raw(server.path(), "not json\n")).contains("\"ok\":false").contains("request is not JSON");
            assertThat(raw(server.path(), "[1,2]\n")).contains("must be a JSON object with a \\\"command\\\"");
        }
    }

    @Test
    void aLiveAgentsSocketIsNotTakenOverButAStaleFileIs() throws Exception {
        Path p = dir.resolve("control.sock");
        try (ControlServer first = ControlServer.open(p, null, echo)) {
            assertThatThrownBy(() -> ControlServer.open(p, null, echo)).hasMessageContaining("another agent answers");
        }
        Files.writeString(p, "stale");
        try (ControlServer second = ControlServer.open(p, null, echo)) {
            assertThat(new ControlClient(p).call(request("status")).asText()).startsWith("status");
        }
        assertThat(p).doesNotExist();
    }

    @Test
    void noSocketMeansAClearMessage() {
        assertThatThrownBy(() -> new ControlClient(dir.resolve("none.sock")).call(request("status")))
                .hasMessageContaining("is xlat-sentinel running?");
    }

    @Test
    void idleConnectionsDoNotKeepStatusWaitingAndAreToldWhyTheyAreClosed() throws Exception {
        ControlServer.Limits fast = new ControlServer.Limits(Duration.ofMillis(300), Duration.ofSeconds(5), 32, 64);
        try (ControlServer server = ControlServer.open(dir.resolve("control.sock"), null, echo, fast)) {
            List<SocketChannel> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    idle.add(SocketChannel.open(UnixDomainSocketAddress.of(server.path())));
                }
                assertThat(new ControlClient(server.path(), Duration.ofSeconds(5)).call(request("status")).asText())
                        .startsWith("status by");
                for (SocketChannel ch : idle) {
                    assertThat(new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(),
                            StandardCharsets.UTF_8)).contains("\"ok\":false", "no request within 300 ms");
                }
            } finally {
                for (SocketChannel ch : idle) {
                    ch.close();
                }
            }
        }
    }

    @Test
    void connectionsBeyondTheBoundsAreRefusedWithAMessageAndCountedFreeOnceClosed() throws Exception {
        ControlServer.Limits small = new ControlServer.Limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 3, 64);
        try (ControlServer server = ControlServer.open(dir.resolve("control.sock"), null, echo, small)) {
            List<SocketChannel> idle = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                idle.add(SocketChannel.open(UnixDomainSocketAddress.of(server.path())));
            }
            assertThatThrownBy(() -> new ControlClient(server.path()).call(request("status")))
                    .hasMessageContaining("too many control connections from " + System.getProperty("user.name")
                            + " (3)");
            for (SocketChannel ch : idle) {
                ch.close();
            }
            Poll.until(Duration.ofSeconds(5), "a slot free again", () -> {
                try {
                    return new ControlClient(server.path()).call(request("status")).asText().startsWith("status");
                } catch (ControlException e) {
                    return false;
                }
            });
        }
        ControlServer.Limits tiny = new ControlServer.Limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 10, 2);
        try (ControlServer server = ControlServer.open(dir.resolve("control2.sock"), null, echo, tiny);
                SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(server.path()));
                SocketChannel b = SocketChannel.open(UnixDomainSocketAddress.of(server.path()))) {
            assertThatThrownBy(() -> new ControlClient(server.path()).call(request("status")))
                    .hasMessageContaining("too many control connections open (2)");
        }
    }

    @Test
    void aLongCommandDoesNotHoldUpStatus() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ControlHandler slow = (req, caller) -> {
            if (req.path("command").asText().equals("reload")) {
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return TextNode.valueOf(req.path("command").asText());
        };
        try (ControlServer server = ControlServer.open(dir.resolve("control.sock"), null, slow)) {
            var reload = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new ControlClient(server.path()).call(request("reload")).asText();
                } catch (ControlException e) {
                    return e.getMessage();
                }
            });
            assertThat(new ControlClient(server.path(), Duration.ofSeconds(5)).call(request("status")).asText())
                    .isEqualTo("status");
            assertThat(reload).isNotDone();
            release.countDown();
            assertThat(reload.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("reload");
        }
    }

    @Test
    void anAgentThatNeverAnswersIsNamedAfterTheClientsTimeout() throws Exception {
        Path p = dir.resolve("mute.sock");
        try (var mute = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            mute.bind(UnixDomainSocketAddress.of(p));
            long start = System.nanoTime();
            assertThatThrownBy(() -> new ControlClient(p, Duration.ofSeconds(1)).call(request("status")))
                    .isInstanceOf(ControlException.class)
                    .hasMessageContaining("did not answer within 1 s").hasMessageContaining("--timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void supplementaryGroupsAreReadFromProcOnlyWhileThePidIsStillTheSameUsers() {
        List<String> status = List.of("Name:\tcli", "Uid:\t1000\t1000\t1000\t1000", "Gid:\t1000\t1000\t1000\t1000",
                "Groups:\t27 100 998 ");
        assertThat(Peer.parseGroups(status, 1000)).containsExactly(27, 100, 998);
        assertThat(Peer.parseGroups(status, 1001)).as("the PID now belongs to someone else").isEmpty();
        assertThat(Peer.parseGroups(List.of("Uid:\t5\t5\t5\t5", "Groups:\t"), 5)).isEmpty();
        Peer p = new Peer(1, 1000, 1000, new int[] {27, 998});
        assertThat(p.inGroup(998)).isTrue();
        assertThat(p.inGroup(1000)).as("the primary group").isTrue();
        assertThat(p.inGroup(4)).isFalse();
    }

    @Test
    void theCallersOwnProcessGroupsAreFound() {
        long pid = ProcessHandle.current().pid();
        int uid = Peer.ownUid();
        assertThat(Peer.supplementaryGroups((int) pid, uid)).isNotNull();
        assertThat(Peer.supplementaryGroups(Integer.MAX_VALUE, uid)).as("no such process").isEmpty();
    }

    private static ObjectNode request(String command) {
        return ControlServer.JSON.createObjectNode().put("command", command);
    }

    private static String raw(Path socket, String text) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            return new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

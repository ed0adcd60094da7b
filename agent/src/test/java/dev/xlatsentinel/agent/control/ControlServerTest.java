package dev.xlatsentinel.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

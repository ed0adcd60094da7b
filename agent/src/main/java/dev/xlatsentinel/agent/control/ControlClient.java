package dev.xlatsentinel.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CLI's side of the control socket: one request, one answer. */
public final class ControlClient {
    private final Path path;

    public ControlClient(Path path) {
        this.path = path;
    }

    /**
     * Sends {@code request} and returns the {@code result}.
     *
     * @throws ControlException with the agent's error, or with why the agent cannot be reached
     */
    public JsonNode call(ObjectNode request) throws ControlException {
        if (!Files.exists(path)) {
            Path dir = path.getParent();
            if (dir != null && Files.isDirectory(dir) && !Files.isExecutable(dir)) {
                throw new ControlException("permission denied on " + dir + " (the control socket is for root"
                        + " and the agent's control group)");
            }
            throw new ControlException("no agent control socket at " + path + " (is xlat-sentinel running?)");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            var out = Channels.newOutputStream(ch);
            out.write(ControlServer.JSON.writeValueAsBytes(request));
            out.write('\n');
            out.flush();
            ch.shutdownOutput();
            InputStream in = Channels.newInputStream(ch);
            JsonNode answer = ControlServer.JSON.readTree(in);
            if (answer == null) {
                throw new ControlException("the agent closed the control connection without an answer");
            }
            if (!answer.path("ok").asBoolean(false)) {
                throw new ControlException(answer.path("error").asText("unknown error"));
            }
            return answer.path("result");
        } catch (AccessDeniedException e) {
            throw new ControlException("permission denied on " + path + " (the control socket is for root)");
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Permission denied")) {
                throw new ControlException("permission denied on " + path + " (the control socket is for root)");
            }
            throw new ControlException("cannot reach the agent at " + path + ": " + msg);
        }
    }
}

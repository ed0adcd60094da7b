package dev.xlatsentinel.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CLI's side of the control socket: one request, one answer, within a timeout (an agent
 * that does not answer is named, not waited for forever).
 */
public final class ControlClient {
    /** Status, drain and undrain answer in milliseconds; a reload may take seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Path path;
    private final Duration timeout;

    public ControlClient(Path path) {
        this(path, DEFAULT_TIMEOUT);
    }

    public ControlClient(Path path, Duration timeout) {
        this.path = path;
        this.timeout = timeout;
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
        // The whole request is ready before connecting: the agent gives a connection a few
        // seconds for it, and a CLI loading its JSON classes on a busy machine can take that long.
        byte[] line;
        SocketChannel opened;
        try {
            byte[] json = ControlServer.JSON.writeValueAsBytes(request);
            line = java.util.Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            opened = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new ControlException("cannot open a socket: " + e.getMessage());
        }
        // Blocking reads on a UNIX socket have no timeout of their own: close it at the deadline.
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                timedOut.set(true);
                opened.close();
            } catch (InterruptedException | IOException e) {
                // Answered in time, or already closed.
            }
        }, "control-timeout");
        watchdog.setDaemon(true);
        watchdog.start();
        try (SocketChannel ch = opened) {
            ch.connect(UnixDomainSocketAddress.of(path));
            IOException writeFailed = null;
            try {
                Channels.newOutputStream(ch).write(line);
                ch.shutdownOutput();
            } catch (AsynchronousCloseException e) {
                throw e;
            } catch (IOException e) {
                // The agent may have refused the connection (too many, not allowed) and closed
                // it: its answer says why, so read it before giving the write error.
                writeFailed = e;
            }
            InputStream in = Channels.newInputStream(ch);
            JsonNode answer = ControlServer.JSON.readTree(in);
            if (answer == null) {
                if (writeFailed != null) {
                    throw writeFailed;
                }
                throw new ControlException("the agent closed the control connection without an answer");
            }
            if (!answer.path("ok").asBoolean(false)) {
                throw new ControlException(answer.path("error").asText("unknown error"));
            }
            return answer.path("result");
        } catch (AsynchronousCloseException e) {
            if (timedOut.get()) {
                throw new ControlException("the agent at " + path + " did not answer within " + timeout.toSeconds()
                        + " s (is it hung? journalctl -u xlat-sentinel shows its log; --timeout waits longer)");
            }
            throw new ControlException("cannot reach the agent at " + path + ": " + e);
        } catch (AccessDeniedException e) {
            throw new ControlException("permission denied on " + path + " (the control socket is for root)");
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Permission denied")) {
                throw new ControlException("permission denied on " + path + " (the control socket is for root)");
            }
            throw new ControlException("cannot reach the agent at " + path + ": " + msg);
        } finally {
            watchdog.interrupt();
        }
    }
}

package dev.xlatsentinel.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control socket: a local AF_UNIX stream socket, never TCP. One JSON request per
 * line, one JSON answer per line. Access is root only (mode 0600), or root and one group
 * (0660) when a group is configured; the file permissions decide who may connect, and the
 * peer's credentials (SO_PEERCRED) are checked again on every connection.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REQUEST = 64 * 1024;

    private final Path path;
    private final String group;
    private final ControlHandler handler;
    private final ServerSocketChannel server;
    private final ExecutorService connections;
    private final Thread acceptor;

    private ControlServer(Path path, String group, ControlHandler handler) throws IOException {
        this.path = path;
        this.group = group;
        this.handler = handler;
        Files.createDirectories(path.getParent());
        // Bind under a temporary name, restrict it, then rename: the socket is never
        // reachable with the default (umask) permissions.
        Path temp = path.resolveSibling("." + path.getFileName() + ".new");
        Files.deleteIfExists(temp);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(temp));
        PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        if (group != null) {
            UserPrincipalLookupService lookup = temp.getFileSystem().getUserPrincipalLookupService();
            GroupPrincipal g = lookup.lookupPrincipalByGroupName(group);
            view.setGroup(g);
            view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
        } else {
            view.setPermissions(PosixFilePermissions.fromString("rw-------"));
        }
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        this.connections = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "control-conn");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("control socket {} ({})", path, group == null ? "root only" : "root and group " + group);
    }

    /**
     * Opens the socket at {@code path}; {@code group} (nullable) may also connect. A stale
     * socket file left by a dead agent is replaced; a live one is refused.
     */
    public static ControlServer open(Path path, String group, ControlHandler handler) throws IOException {
        if (Files.exists(path)) {
            boolean live;
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                live = probe.isConnected();
            } catch (IOException e) {
                live = false; // nobody listens: a stale file from an agent that died
            }
            if (live) {
                throw new IOException("another agent answers on " + path);
            }
        }
        return new ControlServer(path, group, handler);
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                connections.execute(() -> serve(ch));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("control socket accept failed: {}", e.getMessage());
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            ControlHandler.Caller caller = new ControlHandler.Caller(peer.user().getName(), peer.group().getName());
            OutputStream out = Channels.newOutputStream(ch);
            if (!allowed(peer)) {
                LOG.warn("control socket: refused {} (not root{})", caller, group == null ? "" : " nor in " + group);
                write(out, error("permission denied: the control socket is for root"
                        + (group == null ? "" : " and group " + group)));
                return;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            String line = readLine(in);
            if (line == null) {
                return;
            }
            write(out, answer(line, caller));
        } catch (IOException e) {
            LOG.debug("control connection ended: {}", e.getMessage());
        }
    }

    private boolean allowed(UnixDomainPrincipal peer) {
        String user = peer.user().getName();
        return user.equals("root") || user.equals(System.getProperty("user.name"))
                || group != null && peer.group().getName().equals(group);
    }

    private ObjectNode answer(String line, ControlHandler.Caller caller) {
        JsonNode req;
        try {
            req = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return error("request is not JSON: " + e.getOriginalMessage());
        }
        if (!(req instanceof ObjectNode obj) || !req.path("command").isTextual()) {
            return error("request must be a JSON object with a \"command\" string");
        }
        try {
            ObjectNode ok = JSON.createObjectNode().put("ok", true);
            ok.set("result", handler.handle(obj, caller));
            return ok;
        } catch (ControlException e) {
            return error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("control command {} failed", obj.path("command").asText(), e);
            return error("internal error: " + e);
        }
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (sb.length() >= MAX_REQUEST) {
                throw new IOException("request longer than " + MAX_REQUEST + " bytes");
            }
            sb.append((char) c);
        }
        return c == -1 && sb.length() == 0 ? null : sb.toString();
    }

    static ObjectNode error(String message) {
        return JSON.createObjectNode().put("ok", false).put("error", message);
    }

    private static void write(OutputStream out, JsonNode node) throws IOException {
        out.write(JSON.writeValueAsBytes(node));
        out.write('\n');
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing control socket: {}", e.getMessage());
        }
        connections.shutdownNow();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(2));
            Files.deleteIfExists(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("removing {}: {}", path, e.getMessage());
        }
    }
}

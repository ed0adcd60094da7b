package dev.xlatsentinel.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control socket: a local AF_UNIX stream socket, never TCP. One JSON request per
 * line, one JSON answer per line. Access is root only (mode 0600), or root and one group
 * (0660) when a group is configured; the file permissions decide who may connect, and the
 * peer's credentials (SO_PEERCRED, and its supplementary groups from /proc/PID/status) are
 * checked again on every connection.
 *
 * <p>A careless or hostile client cannot wedge it: connections are served by one non-blocking
 * I/O thread, so an idle one costs a descriptor and no thread; a client must send its request
 * within {@link Limits#request()} and take its answer within {@link Limits#answer()}, or it is
 * told so and closed; at most {@link Limits#perClient()} connections per user and
 * {@link Limits#total()} in all are open at once (more are refused with a message); commands
 * run on a small pool, so a slow reload does not hold up {@code status}.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_REQUEST = 64 * 1024;
    private static final int WORKERS = 4;
    private static final int QUEUED_COMMANDS = 64;

    /**
     * How long a client may take to send its request and to take the answer, and how many
     * connections may be open per user and in all.
     */
    public record Limits(Duration request, Duration answer, int perClient, int total) {
        /**
         * The CLI has its request ready before it connects: 5 s is generous even on a machine
         * so busy that a process waits seconds for a CPU; 32 per user, 128 in all.
         */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(10), 32, 128);
    }

    private final Path path;
    private final String group;
    private final int groupId;
    private final ControlHandler handler;
    private final Limits limits;
    private final IoEventLoopGroup io;
    private final ThreadPoolExecutor workers;
    private final Channel server;
    /** Open connections per peer UID; I/O thread only. */
    private final Map<Integer, Integer> perClient = new HashMap<>();
    private int open;

    private final Path temp;
    private volatile boolean published;
    /** The socket file this server put at {@code path} (its inode): the only one it may remove. */
    private volatile Object publishedFile;
    private volatile boolean retiring;
    private final java.util.concurrent.CompletableFuture<Void> drained = new java.util.concurrent.CompletableFuture<>();

    /** Binds under a temporary name and restricts it; {@link #publish} renames it into place. */
    private ControlServer(Path path, String group, ControlHandler handler, Limits limits) throws IOException {
        this.path = path;
        this.group = group;
        this.handler = handler;
        this.limits = limits;
        Files.createDirectories(path.getParent());
        // Bind under a temporary name, restrict it, then rename: the socket is never
        // reachable with the default (umask) permissions.
        this.temp = path.resolveSibling("." + path.getFileName() + ".new");
        Files.deleteIfExists(temp);
        this.io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("control-io", true),
                EpollIoHandler.newFactory());
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_COMMANDS), new DefaultThreadFactory("control-cmd", true));
        Channel bound = null;
        try {
            bound = new ServerBootstrap().group(io).channel(EpollServerDomainSocketChannel.class)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                        @Override
                        protected void initChannel(EpollDomainSocketChannel ch) {
                            ch.pipeline().addLast(new Connection());
                        }
                    }).bind(new DomainSocketAddress(temp.toString())).syncUninterruptibly().channel();
            PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            if (group != null) {
                GroupPrincipal g;
                try {
                    g = temp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                    throw new IOException("controlGroup: no group '" + group + "' on this host", e);
                }
                view.setGroup(g);
                view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
                this.groupId = (Integer) Files.getAttribute(temp, "unix:gid");
            } else {
                view.setPermissions(PosixFilePermissions.fromString("rw-------"));
                this.groupId = -1;
            }
        } catch (IOException | RuntimeException e) {
            if (bound != null) {
                bound.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            shutdown();
            Files.deleteIfExists(temp);
            throw e;
        }
        this.server = bound;
    }

    /**
     * Opens the socket at {@code path}; {@code group} (nullable) may also connect. A stale
     * socket file left by a dead agent is replaced; a live one is refused.
     */
    public static ControlServer open(Path path, String group, ControlHandler handler) throws IOException {
        return open(path, group, handler, Limits.DEFAULT);
    }

    static ControlServer open(Path path, String group, ControlHandler handler, Limits limits) throws IOException {
        ControlServer s = prepare(path, group, handler, null, limits);
        try {
            s.publish();
        } catch (IOException | RuntimeException e) {
            s.abort();
            throw e;
        }
        return s;
    }

    /**
     * The first half of a reload that changes the socket (its path or its group): the new
     * socket is bound under a temporary name beside {@code path} and restricted (the group
     * looked up, the mode set), and answers nobody until {@link #publish}; {@code running}
     * keeps serving meanwhile. Refuses a path another live agent answers on ({@code running}'s
     * own path is ours to replace).
     *
     * @throws IOException naming the cause (no such group, a directory that cannot be made,
     *     another agent on the path), with nothing changed
     */
    public static ControlServer prepare(Path path, String group, ControlHandler handler, ControlServer running)
            throws IOException {
        return prepare(path, group, handler, running, running == null ? Limits.DEFAULT : running.limits);
    }

    private static ControlServer prepare(Path path, String group, ControlHandler handler, ControlServer running,
            Limits limits) throws IOException {
        boolean ours = running != null && running.path.equals(path);
        if (!ours && Files.exists(path)) {
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
        return new ControlServer(path, group, handler, limits);
    }

    /**
     * Puts the socket in place (an atomic rename over {@code path}): from now on new
     * connections reach this server; connections to a server it replaced carry on there.
     */
    public void publish() throws IOException {
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        publishedFile = fileKey(path);
        published = true;
        LOG.info("control socket {} ({})", path, group == null ? "root only" : "root and group " + group);
    }

    /** Gives back a prepared socket that was never published. */
    public void abort() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdown();
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.debug("removing {}: {}", temp, e.getMessage());
        }
    }

    /**
     * Retires a server a reload replaced, without waiting: it stops accepting at once, the
     * connections it has (the reload's own among them) get their answers, then its threads
     * stop. Its path is removed only when {@code pathReplaced} is false (the new server lives
     * elsewhere). The future completes when it has stopped.
     */
    public java.util.concurrent.CompletableFuture<Void> retire(boolean pathReplaced) {
        retiring = true;
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        // Closed before returning (it takes the I/O thread a moment): a reload right after this
        // one that puts a socket back at this path must find nobody listening here.
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        workers.shutdown();
        Thread t = new Thread(() -> {
            try {
                long bound = limits.request().plus(limits.answer()).toMillis() + 1000;
                workers.awaitTermination(bound, TimeUnit.MILLISECONDS);
                io.execute(this::drainedIfIdle);
                try {
                    drained.get(limits.answer().toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    LOG.warn("control socket {} retired with connections still open", path);
                }
                shutdown();
                if (!pathReplaced) {
                    removeOwnFile();
                }
                done.complete(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(e);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "control-retire");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** I/O thread: a retiring server whose last connection closed may stop. */
    private void drainedIfIdle() {
        if (retiring && open == 0) {
            drained.complete(null);
        }
    }

    public Path path() {
        return path;
    }

    /** One connection: credentials and bounds, then one request line, one answer, close. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final ByteBuf line = Unpooled.buffer(256, MAX_REQUEST);
        private ControlHandler.Caller caller;
        private int uid = -1;
        private boolean requested;
        private ScheduledFuture<?> deadline;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            EpollDomainSocketChannel ch = (EpollDomainSocketChannel) ctx.channel();
            PeerCredentials cred;
            try {
                cred = ch.peerCredentials();
            } catch (IOException e) {
                LOG.warn("control socket: no peer credentials: {}", e.getMessage());
                ctx.close();
                return;
            }
            Peer peer = Peer.of(cred.pid(), cred.uid(), cred.gids().length > 0 ? cred.gids()[0] : -1);
            caller = new ControlHandler.Caller(peer.userName(), peer.groupName());
            if (open >= limits.total() || perClient.getOrDefault(peer.uid(), 0) >= limits.perClient()) {
                boolean total = open >= limits.total();
                LOG.warn("control socket: refused {} (pid {}): {} connections open {}", caller, peer.pid(),
                        total ? open : perClient.get(peer.uid()), total ? "in all" : "from this user");
                refuse(ctx, "too many control connections " + (total ? "open (" + limits.total() + ")"
                        : "from " + caller.user() + " (" + limits.perClient() + ")") + "; try again");
                return;
            }
            uid = peer.uid();
            open++;
            perClient.merge(uid, 1, Integer::sum);
            if (!allowed(peer)) {
                LOG.warn("control socket: refused {} (pid {}; not root{})", caller, peer.pid(),
                        group == null ? "" : " nor in group " + group);
                refuse(ctx, "permission denied: the control socket is for root"
                        + (group == null ? "" : " and group " + group));
                return;
            }
            deadline = ctx.executor().schedule(() -> refuse(ctx, "no request within "
                    + limits.request().toMillis() + " ms"), limits.request().toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (requested) {
                    return;
                }
                int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                int take = (nl < 0 ? in.writerIndex() : nl) - in.readerIndex();
                if (line.readableBytes() + take > MAX_REQUEST) {
                    refuse(ctx, "request longer than " + MAX_REQUEST + " bytes");
                    return;
                }
                line.writeBytes(in, in.readerIndex(), take);
                if (nl >= 0) {
                    dispatch(ctx);
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // The client closed its side without a whole line: answer what came, if anything.
            if (evt instanceof ChannelInputShutdownEvent && !requested) {
                if (line.isReadable()) {
                    dispatch(ctx);
                } else {
                    cancelDeadline();
                    ctx.close();
                }
            }
        }

        private void dispatch(ChannelHandlerContext ctx) {
            requested = true;
            cancelDeadline();
            String request = line.toString(StandardCharsets.UTF_8);
            try {
                workers.execute(() -> {
                    ObjectNode answer = answer(request, caller);
                    ctx.executor().execute(() -> reply(ctx, answer));
                });
            } catch (RejectedExecutionException e) {
                reply(ctx, error("the agent is busy (" + QUEUED_COMMANDS + " commands waiting); try again"));
            }
        }

        /** Writes the answer and closes; a client that does not take it within the limit is closed. */
        private void reply(ChannelHandlerContext ctx, ObjectNode answer) {
            if (!ctx.channel().isActive()) {
                return;
            }
            ScheduledFuture<?> stuck = ctx.executor().schedule(() -> {
                LOG.warn("control socket: {} did not take its answer within {} ms; closed", caller,
                        limits.answer().toMillis());
                ctx.close();
            }, limits.answer().toNanos(), TimeUnit.NANOSECONDS);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes(answer))).addListener(f -> {
                stuck.cancel(false);
                ctx.close();
            });
        }

        private void refuse(ChannelHandlerContext ctx, String message) {
            requested = true;
            cancelDeadline();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes(error(message)))).addListener(ChannelFutureListener.CLOSE);
        }

        private void cancelDeadline() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancelDeadline();
            line.release();
            if (uid >= 0) {
                open--;
                perClient.computeIfPresent(uid, (k, v) -> v == 1 ? null : v - 1);
                uid = -1;
                drainedIfIdle();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("control connection ended: {}", cause.toString());
            ctx.close();
        }
    }

    private boolean allowed(Peer peer) {
        return peer.uid() == 0 || peer.uid() == Peer.ownUid() || groupId >= 0 && peer.inGroup(groupId);
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

    static ObjectNode error(String message) {
        return JSON.createObjectNode().put("ok", false).put("error", message);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            byte[] json = JSON.writeValueAsBytes(node);
            byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
            out[json.length] = '\n';
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Removes the socket file at {@code path} only if it is still the one this server put
     * there: a later reload may have put another server's socket at the same path meanwhile
     * (controlSocket A -> B -> A while a client held A), and removing that one would leave
     * the agent without a control socket.
     */
    private void removeOwnFile() throws IOException {
        Object now = fileKey(path);
        if (now != null && now.equals(publishedFile)) {
            Files.deleteIfExists(path);
        } else if (now != null) {
            LOG.debug("control socket {} now belongs to another server: left in place", path);
        }
    }

    /** The file's identity (device and inode), or null when there is no file. */
    private static Object fileKey(Path p) throws IOException {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    private void shutdown() {
        workers.shutdownNow();
        io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** Stops serving and removes its socket file (the agent stops). */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdown();
        try {
            if (published && !retiring) {
                removeOwnFile();
            }
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.debug("removing {}: {}", path, e.getMessage());
        }
    }
}

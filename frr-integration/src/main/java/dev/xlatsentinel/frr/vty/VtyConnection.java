package dev.xlatsentinel.frr.vty;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

/**
 * One AF_UNIX stream connection to a daemon's vty socket, in non-blocking mode with its own
 * selector, so that connecting, writing and every reply are bounded by a deadline: a daemon
 * that accepts and never answers cannot hold a caller. Not thread-safe; {@link VtyClient}
 * serialises its use.
 */
final class VtyConnection implements Closeable {
    private final UnixSocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ReplyDecoder decoder = new ReplyDecoder();
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

    private VtyConnection(UnixSocketChannel channel, Selector selector, SelectionKey key) {
        this.channel = channel;
        this.selector = selector;
        this.key = key;
    }

    /** Connects within {@code timeout}; throws with the OS's reason (ENOENT, ECONNREFUSED, ...). */
    static VtyConnection open(Path socket, Duration timeout) throws IOException {
        UnixSocketChannel ch = UnixSocketChannel.open();
        Selector sel = null;
        try {
            ch.configureBlocking(false);
            sel = ch.provider().openSelector();
            SelectionKey k = ch.register(sel, 0);
            if (!ch.connect(new UnixSocketAddress(socket.toFile()))) {
                k.interestOps(SelectionKey.OP_CONNECT);
                if (!await(sel, deadline(timeout))) {
                    throw new ConnectTimeout("connect to " + socket + " did not complete within " + timeout);
                }
                ch.finishConnect();
            }
            return new VtyConnection(ch, sel, k);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, sel);
            throw e;
        }
    }

    /**
     * Sends {@code line} followed by NUL and returns the reply.
     *
     * @throws ReplyTimeout when the reply (or room to write) did not come before the deadline
     * @throws IOException  when the connection failed or the daemon closed it
     * @throws ReplyDecoder.VtyProtocolError when the bytes are not a vty reply
     */
    ReplyDecoder.Frame roundTrip(String line, Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        int pending = readAvailable();
        if (pending < 0) {
            throw new IOException("the daemon closed the connection before '" + line + "' was sent");
        }
        if (pending > 0 || decoder.inProgress()) {
            throw new ReplyDecoder.VtyProtocolError("unsolicited bytes before the command '" + line + "'");
        }
        decoder.reset();
        byte[] cmd = line.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(cmd.length + 1).put(cmd).put((byte) 0).flip();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                key.interestOps(SelectionKey.OP_WRITE);
                if (!await(selector, deadline)) {
                    throw new ReplyTimeout("could not send '" + line + "' within " + timeout);
                }
            }
        }
        key.interestOps(SelectionKey.OP_READ);
        while (true) {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("the daemon closed the connection" + (decoder.inProgress()
                        ? " in the middle of the reply to '" + line + "'" : " before replying to '" + line + "'"));
            }
            if (n > 0) {
                ReplyDecoder.Frame f = decoder.feed(in.flip());
                if (f != null) {
                    return f;
                }
            } else if (!await(selector, deadline)) {
                throw new ReplyTimeout("no reply to '" + line + "' within " + timeout);
            }
        }
    }

    /**
     * True when the idle connection is dead: the daemon closed it (EOF is readable) or sent
     * something nobody asked for. Does not block.
     */
    boolean idleButBroken() {
        try {
            key.interestOps(SelectionKey.OP_READ);
            return selector.selectNow() > 0 && readAvailable() != 0;
        } catch (IOException | RuntimeException e) {
            return true;
        } finally {
            selector.selectedKeys().clear();
        }
    }

    /** Reads what is there without waiting: bytes read, or -1 at EOF. */
    private int readAvailable() throws IOException {
        in.clear();
        return channel.read(in);
    }

    @Override
    public void close() {
        closeQuietly(channel, selector);
    }

    private static boolean await(Selector sel, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        int ready = sel.select(Math.max(1, left / 1_000_000));
        sel.selectedKeys().clear();
        return ready > 0 || System.nanoTime() - deadline < 0;
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static void closeQuietly(UnixSocketChannel ch, Selector sel) {
        try {
            if (sel != null) {
                sel.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to do with the selector
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing: the fd is gone either way
        }
    }

    /** The reply did not arrive in time. */
    static final class ReplyTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        ReplyTimeout(String message) {
            super(message);
        }
    }

    /** The connection was not established in time. */
    static final class ConnectTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        ConnectTimeout(String message) {
            super(message);
        }
    }
}

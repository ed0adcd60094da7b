package dev.xlatsentinel.systemd.notify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketOptions;

/**
 * What systemd does with its notification socket, in a test: a bound AF_UNIX datagram
 * socket (a path or an abstract name) that hands back each datagram as text.
 */
public final class NotifyReceiver implements AutoCloseable {
    private final UnixDatagramChannel channel;
    private final String address;
    private final Path path;

    private NotifyReceiver(UnixDatagramChannel channel, String address, Path path) {
        this.channel = channel;
        this.address = address;
        this.path = path;
    }

    /** Bound to a fresh path socket in {@code dir}. */
    public static NotifyReceiver atPath(Path dir) throws IOException {
        Path p = dir.resolve("notify-" + random());
        UnixDatagramChannel ch = UnixDatagramChannel.open();
        ch.bind(new UnixSocketAddress(p.toString()));
        return new NotifyReceiver(ch, p.toString(), p);
    }

    /** Bound to a fresh abstract name; {@link #address()} gives it as {@code @name}. */
    public static NotifyReceiver abstractName() throws IOException {
        String name = "xs-notify-test-" + random();
        UnixDatagramChannel ch = UnixDatagramChannel.open();
        ch.bind(new UnixSocketAddress("\0" + name));
        return new NotifyReceiver(ch, "@" + name, null);
    }

    /** The value to put in NOTIFY_SOCKET. */
    public String address() {
        return address;
    }

    /** The next datagram as text, or null when none arrives within {@code timeout}. */
    public String receive(Duration timeout) throws IOException {
        channel.setOption(UnixSocketOptions.SO_RCVTIMEO, (int) timeout.toMillis());
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try {
            channel.receive(buf);
        } catch (IOException e) {
            if (buf.position() == 0) {
                return null; // EAGAIN: the receive timeout passed
            }
            throw e;
        }
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString();
    }

    private static String random() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() throws IOException {
        channel.close();
        if (path != null) {
            Files.deleteIfExists(path);
        }
    }
}

package dev.xlatsentinel.systemd.notify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import jnr.unixsocket.UnixDatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd about this service over {@code $NOTIFY_SOCKET} (sd_notify(3)): readiness,
 * a one-line status, watchdog pings, reloads and shutdown.
 *
 * <p>Each message is one AF_UNIX datagram sent by this process through jnr-unixsocket (the
 * JDK has no datagram unix sockets). No {@code systemd-notify} child is forked: systemd
 * identifies the sender by the kernel's credentials, so {@code NotifyAccess=main} holds.
 *
 * <p>Outside systemd ({@code NOTIFY_SOCKET} unset) every call is a no-op returning false;
 * this is logged once, at debug level, when the instance is created. A message that cannot
 * be delivered is logged as a warning and reported by the return value, never thrown:
 * a daemon must not die because its supervisor is busy.
 *
 * <p>Thread-safe: each message opens, uses and closes its own socket, as libsystemd does.
 */
public final class SdNotify {
    /** The variable systemd sets for {@code Type=notify} services. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

    /** Longest STATUS= text kept; longer text is cut (systemctl status shows one line anyway). */
    public static final int MAX_STATUS_CHARS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);
    private static final SdNotify DISABLED = new SdNotify(null);

    private final NotifyAddress address;

    private SdNotify(NotifyAddress address) {
        this.address = address;
    }

    /** From this process's environment. */
    public static SdNotify fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * From the given environment: disabled when {@code NOTIFY_SOCKET} is unset or empty.
     *
     * @throws IllegalArgumentException if {@code NOTIFY_SOCKET} is set but unusable
     */
    public static SdNotify fromEnvironment(Map<String, String> env) {
        String value = env.get(NOTIFY_SOCKET);
        if (value == null || value.isEmpty()) {
            LOG.debug("{} is not set: not running as a systemd Type=notify service; notifications are no-ops",
                    NOTIFY_SOCKET);
            return DISABLED;
        }
        return to(value);
    }

    /** Sends to {@code address}: an absolute path or {@code @abstract}. */
    public static SdNotify to(String address) {
        return new SdNotify(new NotifyAddress(address));
    }

    /** One that never sends. */
    public static SdNotify disabled() {
        return DISABLED;
    }

    /** True when running under systemd with a notification socket. */
    public boolean enabled() {
        return address != null;
    }

    public Optional<NotifyAddress> address() {
        return Optional.ofNullable(address);
    }

    /** READY=1: start-up is finished; {@code systemctl start} returns now. */
    public boolean ready() {
        return send(NotifyMessage.of("READY", "1"));
    }

    /** READY=1 with a status line, in one datagram (also ends a reload). */
    public boolean ready(String status) {
        return send(NotifyMessage.of("READY", "1").and("STATUS", oneLine(status)));
    }

    /** STATUS=: one line for {@code systemctl status}; newlines become spaces, long text is cut. */
    public boolean status(String text) {
        return send(NotifyMessage.of("STATUS", oneLine(text)));
    }

    /** WATCHDOG=1: a keep-alive ping (see {@code WatchdogSec=}). */
    public boolean watchdog() {
        return send(NotifyMessage.of("WATCHDOG", "1"));
    }

    /**
     * RELOADING=1 with MONOTONIC_USEC=, as systemd 253+ requires for {@code Type=notify-reload}
     * (252 ignores the timestamp). The reload ends with {@link #ready(String)}.
     */
    public boolean reloading() {
        return send(NotifyMessage.of("RELOADING", "1").and("MONOTONIC_USEC", Long.toString(monotonicMicros())));
    }

    /** STOPPING=1: shutdown has begun (the unit shows "deactivating"). */
    public boolean stopping() {
        return send(NotifyMessage.of("STOPPING", "1"));
    }

    /** MAINPID=: the service's main process is {@code pid} (for a launcher that hands over). */
    public boolean mainPid(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("MAINPID must be positive: " + pid);
        }
        return send(NotifyMessage.of("MAINPID", Long.toString(pid)));
    }

    /** Sends any message; true if the whole datagram was handed to the socket. */
    public boolean send(NotifyMessage message) {
        if (address == null) {
            return false;
        }
        byte[] bytes = message.encode();
        try (UnixDatagramChannel channel = UnixDatagramChannel.open()) {
            // Non-blocking: a wedged PID 1 with a full socket buffer must not stall the caller.
            channel.configureBlocking(false);
            int sent = channel.send(ByteBuffer.wrap(bytes), address.socketAddress());
            if (sent != bytes.length) {
                LOG.warn("systemd notification cut short: {} of {} bytes sent to {}={}: {}", sent, bytes.length,
                        NOTIFY_SOCKET, address, message);
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot send systemd notification to {}={}: {}: {}", NOTIFY_SOCKET, address, e, message);
            return false;
        }
    }

    /**
     * CLOCK_MONOTONIC in microseconds: on Linux, HotSpot's {@link System#nanoTime} reads
     * clock_gettime(CLOCK_MONOTONIC), the clock systemd compares MONOTONIC_USEC against.
     */
    static long monotonicMicros() {
        return System.nanoTime() / 1_000;
    }

    static String oneLine(String text) {
        String s = text == null ? "" : text.replaceAll("\\s*\\p{Cntrl}[\\p{Cntrl}\\s]*", " ").strip();
        if (s.length() <= MAX_STATUS_CHARS) {
            return s;
        }
        int end = MAX_STATUS_CHARS - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }

    @Override
    public String toString() {
        return address == null ? "SdNotify[disabled]" : "SdNotify[" + address + "]";
    }
}

package dev.xlatsentinel.systemd.notify;

import java.nio.charset.StandardCharsets;
import jnr.unixsocket.UnixSocketAddress;

/**
 * Where systemd listens for notifications: the value of {@code $NOTIFY_SOCKET}, either a
 * filesystem path ({@code /run/systemd/notify}) or a Linux abstract socket ({@code @name},
 * the leading '@' standing for the NUL byte, as sd_notify(3) documents).
 *
 * @param value the variable's value, as given
 */
public record NotifyAddress(String value) {
    /** {@code sizeof(sockaddr_un.sun_path)} on Linux. */
    static final int SUN_PATH_MAX = 108;

    /**
     * Parses {@code $NOTIFY_SOCKET}; the message names the variable and the value. Non-ASCII
     * names are refused because jnr-unixsocket sizes the address in characters, not bytes.
     */
    public NotifyAddress {
        String where = "NOTIFY_SOCKET=" + value + ": ";
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is empty");
        }
        if (value.charAt(0) != '/' && value.charAt(0) != '@') {
            // systemd 254+ also knows vsock: addresses (for VMs); a service on the host never gets one.
            throw new IllegalArgumentException(where + "must be an absolute path or an @abstract name");
        }
        if (value.length() < 2) {
            throw new IllegalArgumentException(where + "names no socket");
        }
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(value) || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(where + "only printable ASCII names are supported");
        }
        // A path needs its terminating NUL inside sun_path; an abstract name has its leading NUL.
        if (value.length() >= SUN_PATH_MAX) {
            throw new IllegalArgumentException(where + "longer than " + (SUN_PATH_MAX - 1) + " bytes");
        }
    }

    /** True for an abstract socket ({@code @name}). */
    public boolean isAbstract() {
        return value.charAt(0) == '@';
    }

    /** The kernel address: for an abstract name exactly NUL + name, with no trailing NUL. */
    UnixSocketAddress socketAddress() {
        return new UnixSocketAddress(isAbstract() ? "\0" + value.substring(1) : value);
    }

    @Override
    public String toString() {
        return value;
    }
}

package dev.xlatsentinel.bfd;

/** Single hop (RFC 5881, UDP 3784) or multihop (RFC 5883, UDP 4784). */
public enum HopMode {
    SINGLE_HOP(3784, "single-hop"),
    MULTI_HOP(4784, "multihop");

    private final int port;
    private final String label;

    HopMode(int port, String label) {
        this.port = port;
        this.label = label;
    }

    /** The destination UDP port of Control packets. */
    public int port() {
        return port;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}

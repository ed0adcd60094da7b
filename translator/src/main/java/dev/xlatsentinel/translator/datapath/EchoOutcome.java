package dev.xlatsentinel.translator.datapath;

import java.net.InetAddress;
import java.time.Duration;

/**
 * What came back for one echo request: a reply, an ICMPv6 error quoting the request (the
 * packet was translated and rejected on the way), a local send error, or nothing in time.
 *
 * @param from the replying or erroring node, null for SEND_ERROR and TIMEOUT
 * @param text the error in words (empty for REPLY)
 * @param local for SEND_ERROR: the gateway itself could not send (no route, network down)
 */
public record EchoOutcome(Kind kind, InetAddress from, String text, Duration rtt, boolean local) {
    public EchoOutcome(Kind kind, InetAddress from, String text, Duration rtt) {
        this(kind, from, text, rtt, false);
    }

    public enum Kind {
        REPLY, ICMP_ERROR, SEND_ERROR, TIMEOUT
    }

    public boolean isReply() {
        return kind == Kind.REPLY;
    }
}

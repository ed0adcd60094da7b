package dev.xlatsentinel.translator.datapath;

import java.time.Duration;

/**
 * How long to wait for an echo through this translator, judged against its own history:
 * RFC 6298 §2's smoothed round-trip time and variation (alpha 1/8, beta 1/4, K 4), and a
 * deadline of SRTT + 4 x RTTVAR kept between a floor (the configured timeout) and a ceiling.
 * Every answer feeds it, late ones too: an echo's identifier and sequence number name the
 * request it answers, so there is no retransmission ambiguity (RFC 6298 §3, Karn) and a
 * saturated translator's slow answers raise the deadline instead of being lost. There is no
 * back-off on a timeout: silence proves nothing about latency.
 */
public final class RttEstimator {
    private static final double ALPHA = 1.0 / 8;
    private static final double BETA = 1.0 / 4;
    private static final int K = 4;

    private boolean measured;
    private double srtt;
    private double rttvar;

    /** One answered echo's round-trip time (RFC 6298 §2.2, §2.3). */
    public synchronized void sample(Duration rtt) {
        double r = rtt.toNanos();
        if (!measured) {
            srtt = r;
            rttvar = r / 2;
            measured = true;
        } else {
            rttvar = (1 - BETA) * rttvar + BETA * Math.abs(srtt - r);
            srtt = (1 - ALPHA) * srtt + ALPHA * r;
        }
    }

    /** SRTT + 4 x RTTVAR, at least {@code floor} and at most {@code ceiling}; the floor before any sample. */
    public synchronized Duration deadline(Duration floor, Duration ceiling) {
        if (!measured) {
            return floor;
        }
        long rto = (long) (srtt + K * rttvar);
        return Duration.ofNanos(Math.max(floor.toNanos(), Math.min(ceiling.toNanos(), rto)));
    }

    /** The smoothed round-trip time, or null before any sample. */
    public synchronized Duration smoothed() {
        return measured ? Duration.ofNanos((long) srtt) : null;
    }

    /** The round-trip variation, or null before any sample. */
    public synchronized Duration variation() {
        return measured ? Duration.ofNanos((long) rttvar) : null;
    }
}

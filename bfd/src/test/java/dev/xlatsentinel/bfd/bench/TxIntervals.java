package dev.xlatsentinel.bfd.bench;

import io.netty.util.collection.LongObjectHashMap;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Transmit intervals per session from a packet capture (a pcap stream, as {@code tcpdump -w -}
 * writes it, Ethernet link type, IPv6/UDP): the time between consecutive packets of the same
 * source address and port, from the capture's kernel timestamps. Kept as an exact histogram
 * at 1 µs resolution up to 1 s (bounded memory, however long the capture), plus per session
 * the count and the largest interval.
 */
final class TxIntervals {
    private static final int MAX_US = 1_000_000;
    private static final int PCAP_MICROS = 0xa1b2c3d4;
    private static final int PCAP_NANOS = 0xa1b23c4d;
    private static final int ETHERNET = 14;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int UDP = 17;

    /** Per session: the last timestamp (µs), the intervals seen, the largest (µs). */
    private static final class Flow {
        long last;
        long count;
        long max;
    }

    private final long[] histogram = new long[MAX_US + 1];
    private final LongObjectHashMap<Flow> flows = new LongObjectHashMap<>();
    private long packets;
    private long intervals;
    private long max;
    private long firstMicros = -1;
    private long lastMicros;
    private boolean truncatedTail;

    /** Reads pcap records until the stream ends (the capture was stopped). */
    void read(InputStream in) throws IOException {
        byte[] head = new byte[24];
        if (!readFully(in, head, 24)) {
            return;
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt(0);
        if (magic != PCAP_MICROS && magic != PCAP_NANOS) {
            h.order(ByteOrder.BIG_ENDIAN);
            magic = h.getInt(0);
        }
        if (magic != PCAP_MICROS && magic != PCAP_NANOS) {
            throw new IOException("not a pcap stream (magic " + Integer.toHexString(h.getInt(0)) + ")");
        }
        boolean nanos = magic == PCAP_NANOS;
        if (h.getInt(20) != 1) {
            throw new IOException("pcap link type " + h.getInt(20) + ", expected Ethernet (1)");
        }
        byte[] rec = new byte[65536 + 16];
        ByteBuffer r = ByteBuffer.wrap(rec).order(h.order());
        try {
            while (readFully(in, rec, 16)) {
                long sec = Integer.toUnsignedLong(r.getInt(0));
                long frac = Integer.toUnsignedLong(r.getInt(4));
                int caplen = r.getInt(8);
                if (caplen < 0 || caplen > 65536) {
                    throw new IOException("bad pcap record length " + caplen);
                }
                if (!readFully(in, rec, caplen, 16)) {
                    truncatedTail = true;
                    return;
                }
                packet(sec * 1_000_000 + (nanos ? frac / 1000 : frac), rec, 16, caplen);
            }
        } catch (EOFException e) {
            // tcpdump was killed in the middle of writing a record: the ones before are whole.
            truncatedTail = true;
        }
    }

    /** True when the stream ended inside a record (tcpdump killed, not stopped); that record is ignored. */
    boolean truncatedTail() {
        return truncatedTail;
    }

    private void packet(long micros, byte[] b, int off, int len) {
        if (len < ETHERNET + 48 || ((b[off + 12] & 0xff) << 8 | (b[off + 13] & 0xff)) != ETHERTYPE_IPV6
                || (b[off + ETHERNET + 6] & 0xff) != UDP) {
            return;
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        long srcHigh = bb.getLong(off + ETHERNET + 8);
        long srcLow = bb.getLong(off + ETHERNET + 16);
        int srcPort = bb.getShort(off + ETHERNET + 40) & 0xffff;
        long key = srcLow * 0x9E3779B97F4A7C15L ^ srcHigh * 31 ^ srcPort;
        packets++;
        if (firstMicros < 0) {
            firstMicros = micros;
        }
        lastMicros = micros;
        Flow f = flows.get(key);
        if (f == null) {
            f = new Flow();
            f.last = micros;
            flows.put(key, f);
            return;
        }
        long d = micros - f.last;
        f.last = micros;
        f.count++;
        f.max = Math.max(f.max, d);
        histogram[(int) Math.min(Math.max(d, 0), MAX_US)]++;
        intervals++;
        max = Math.max(max, d);
    }

    private static boolean readFully(InputStream in, byte[] b, int n) throws IOException {
        return readFully(in, b, n, 0);
    }

    private static boolean readFully(InputStream in, byte[] b, int n, int off) throws IOException {
        int got = 0;
        while (got < n) {
            int k = in.read(b, off + got, n - got);
            if (k < 0) {
                if (got == 0) {
                    return false;
                }
                throw new EOFException("pcap stream ended inside a record");
            }
            got += k;
        }
        return true;
    }

    long packets() {
        return packets;
    }

    long intervals() {
        return intervals;
    }

    int sessions() {
        return flows.size();
    }

    /** Wall-clock time of the first packet in µs since the epoch, or -1. */
    long firstMicros() {
        return firstMicros;
    }

    double seconds() {
        return (lastMicros - firstMicros) / 1e6;
    }

    /** The interval (µs) at or below which {@code fraction} of all intervals lie. */
    long percentile(double fraction) {
        if (intervals == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * intervals);
        long seen = 0;
        for (int us = 0; us < histogram.length; us++) {
            seen += histogram[us];
            if (seen >= rank) {
                return us == MAX_US ? max : us;
            }
        }
        return max;
    }

    long max() {
        return max;
    }

    /** How many intervals were longer than {@code us}. */
    long intervalsOver(long us) {
        long n = 0;
        for (int i = (int) Math.min(us + 1, MAX_US); i < histogram.length; i++) {
            n += histogram[i];
        }
        return n;
    }

    /** How many sessions had at least one interval longer than {@code us}. */
    long sessionsOver(long us) {
        long n = 0;
        for (Flow f : flows.values()) {
            if (f.max > us) {
                n++;
            }
        }
        return n;
    }
}

package dev.xlatsentinel.bfd;

/**
 * One of an engine's receive queues, as status shows it. Each (family, hop mode) has two:
 * {@code peers}, where only datagrams from configured peers with the GTSM TTL wait, and
 * {@code others}, where everything else waits (junk, strangers, a peer's packets with a
 * lower TTL), read within a budget so that a flood costs a bounded share of the event loop.
 *
 * @param family   {@code ipv4} or {@code ipv6}
 * @param queue    {@code peers} or {@code others}
 * @param peers    distinct peer addresses the peers' queue admits now
 * @param match    how the kernel compares sources: {@code exact}, {@code last-32-bits} (many
 *                 IPv6 peers), {@code ttl-only} (too many peers to compare: no isolation)
 * @param received datagrams the engine read from this queue
 * @param dropped  datagrams the kernel dropped on this socket because its queue was full
 *                 (for {@code others}: what the budget left unread) or, for {@code peers}, the
 *                 GTSM filter refused; -1 when the kernel could not be asked
 */
public record ReceiveQueue(String family, HopMode hop, String queue, int peers, String match, long received,
        long dropped) {
}

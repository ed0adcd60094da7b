package dev.xlatsentinel.bfd.bench;

import dev.xlatsentinel.lab.Lab;
import dev.xlatsentinel.lab.LabException;
import dev.xlatsentinel.lab.Netns;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's topology: namespace "us" (our engine) and "peer" (bfdd or a second
 * engine) joined by one veth pair (eth0 each side), N IPv6 addresses on each end
 * (session i: {@link #OURS}i to {@link #PEERS}i, i in hex), added with {@code ip -batch}
 * without DAD, and a permanent neighbour entry for each far address: N distinct neighbours
 * exceed the IPv6 neighbour table's default gc_thresh3 (1024), which is not settable
 * inside a namespace, and permanent entries are exempt from it.
 */
final class ScaleLab implements AutoCloseable {
    static final String OURS = "2001:db8:40::1:";
    static final String PEERS = "2001:db8:40::2:";
    /** Every one of our addresses: the capture filter for our packets. */
    static final String OURS_NET = "2001:db8:40::1:0/112";
    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");

    final Lab lab;
    final Netns us;
    final Netns peer;

    private ScaleLab(Lab lab, Netns us, Netns peer) {
        this.lab = lab;
        this.us = us;
        this.peer = peer;
    }

    static ScaleLab open(int n) {
        Lab lab = Lab.open("bfd-scale");
        try {
            Netns us = lab.netns("us");
            Netns peer = lab.netns("peer");
            lab.link(us, "eth0", peer, "eth0");
            addresses(lab, us, OURS, peer, PEERS, n);
            addresses(lab, peer, PEERS, us, OURS, n);
            return new ScaleLab(lab, us, peer);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private static void addresses(Lab lab, Netns ns, String mine, Netns far, String theirs, int n) {
        String farMac = mac(far);
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            String hex = Integer.toHexString(i);
            b.append("addr add ").append(mine).append(hex).append("/64 dev eth0 nodad\n");
            b.append("neigh add ").append(theirs).append(hex).append(" lladdr ").append(farMac)
                    .append(" dev eth0 nud permanent\n");
        }
        ns.run("ip", "-batch", lab.file(ns.name() + "-batch", b.toString()).toString());
    }

    private static String mac(Netns ns) {
        String out = ns.ip("-o", "link", "show", "dev", "eth0");
        Matcher m = MAC.matcher(out);
        if (!m.find()) {
            throw new LabException("no MAC address on " + ns + " eth0: " + out);
        }
        return m.group(1);
    }

    @Override
    public void close() {
        lab.close();
    }
}

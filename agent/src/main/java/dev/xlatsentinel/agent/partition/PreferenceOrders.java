package dev.xlatsentinel.agent.partition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The order in which the router prefers the gateways for each part of a partition plan:
 * rendezvous (highest random weight) hashing, balanced.
 *
 * <p>Plain rendezvous hashing ranks the gateways for each part by a hash of (part, gateway):
 * deterministic, and adding a gateway only takes parts from the others. With few parts it
 * is uneven, though: each part draws its gateway on its own, like a die. So the orders are built one
 * position at a time, and at each position the choice is capped:
 * <ol>
 * <li>First choices: each gateway takes {@code floor(P/N)} or {@code ceil(P/N)} parts.</li>
 * <li>Next choices, for each group of parts that share the gateways chosen so far (the parts
 *     that move together when those gateways fail): each remaining gateway takes
 *     {@code floor(k/m)} or {@code ceil(k/m)} of the group's {@code k} parts ({@code m}
 *     gateways remain); the extra parts go to the gateways that would carry least in that
 *     failure.</li>
 * </ol>
 * Within the caps, parts go to the gateways that hash highest for them, so the orders stay
 * as close to plain rendezvous hashing as the balance allows.
 *
 * <p>What this guarantees, for N gateways and P parts with P >= N (proven below for any N and
 * P; the tests check every N from 2 to 8 with every P up to 64, and N up to 16 with P a power
 * of two up to 256):
 * <ul>
 * <li>each order names every gateway once;</li>
 * <li>each gateway is first for {@code floor(P/N)} or {@code ceil(P/N)} parts;</li>
 * <li>when any one gateway fails, its parts go to each survivor in numbers that differ by at
 *     most one, and the survivors then carry numbers of parts that differ by at most one;</li>
 * <li>the orders depend on the names only, not on the order the gateways or parts are listed in.</li>
 * </ul>
 * Why: the caps make the first two true by construction; for the third, the survivors carry
 * {@code f} or {@code f+1} parts before the failure and the failed gateway's {@code k} parts
 * add {@code floor(k/m)} to each, plus one to the {@code k mod m} that carried least, which
 * leaves them within one of each other. When two gateways fail the survivors' loads differ by
 * at most two over the same range (measured by the tests, not proven).
 */
public final class PreferenceOrders {
    private PreferenceOrders() {
    }

    /**
     * @param parts    the parts' names (distinct)
     * @param gateways the gateways' names (distinct, at least one)
     * @return for each part (in the order given), the gateways from most to least preferred
     */
    public static Map<String, List<String>> of(Collection<String> parts, Collection<String> gateways) {
        List<String> gws = sortedDistinct(gateways, "gateway");
        List<String> ps = sortedDistinct(parts, "part");
        if (gws.isEmpty()) {
            throw new IllegalArgumentException("no gateway");
        }
        int n = gws.size();
        int p = ps.size();
        long[][] score = new long[p][n];
        long[] rank = new long[n];
        MessageDigest sha = sha256();
        for (int g = 0; g < n; g++) {
            rank[g] = hash(sha, "gateway\0" + gws.get(g));
            for (int i = 0; i < p; i++) {
                score[i][g] = hash(sha, "part\0" + ps.get(i) + "\0" + gws.get(g));
            }
        }
        int[][] order = new int[p][n];
        int[] decided = new int[p];
        for (int depth = 0; depth < n; depth++) {
            // The parts that share their first `depth` choices move together when those fail.
            Map<List<Integer>, List<Integer>> groups = new TreeMap<>(PreferenceOrders::compareLists);
            for (int i = 0; i < p; i++) {
                List<Integer> chosen = new ArrayList<>(depth);
                for (int d = 0; d < depth; d++) {
                    chosen.add(order[i][d]);
                }
                groups.computeIfAbsent(chosen, k -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<List<Integer>, List<Integer>> g : groups.entrySet()) {
                chooseNext(g.getKey(), g.getValue(), depth, order, decided, score, rank);
            }
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (String part : parts) {
            int i = ps.indexOf(part);
            List<String> o = new ArrayList<>(n);
            for (int g : order[i]) {
                o.add(gws.get(g));
            }
            result.put(part, List.copyOf(o));
        }
        return result;
    }

    /**
     * Sets position {@code depth} of the order of each part of {@code group} (whose first
     * choices are {@code chosen}), balanced as the class comment says.
     */
    private static void chooseNext(List<Integer> chosen, List<Integer> group, int depth, int[][] order,
            int[] decided, long[][] score, long[] rank) {
        int n = rank.length;
        boolean[] failed = new boolean[n];
        chosen.forEach(g -> failed[g] = true);
        List<Integer> candidates = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            if (!failed[g]) {
                candidates.add(g);
            }
        }
        int[] load = carried(failed, order, decided);
        // The extra parts (k mod m) go to those that would carry least if `chosen` failed.
        List<Integer> byLoad = new ArrayList<>(candidates);
        byLoad.sort(Comparator.<Integer>comparingInt(g -> load[g]).thenComparing(g -> rank[g], Long::compareUnsigned)
                .thenComparing(Comparator.naturalOrder()));
        int k = group.size();
        int m = candidates.size();
        int[] room = new int[n];
        for (int i = 0; i < m; i++) {
            room[byLoad.get(i)] = k / m + (i < k % m ? 1 : 0);
        }
        List<long[]> pairs = new ArrayList<>(k * m);
        for (int part : group) {
            for (int g : candidates) {
                pairs.add(new long[] {score[part][g], part, g});
            }
        }
        pairs.sort((a, b) -> {
            int c = Long.compareUnsigned(b[0], a[0]);
            return c != 0 ? c : a[1] != b[1] ? Long.compare(a[1], b[1]) : Long.compare(a[2], b[2]);
        });
        // Highest hash first, within each gateway's room. It always places every part: room
        // only shrinks and adds up to k, so a part left over would mean every gateway was full.
        Set<Integer> placed = new HashSet<>();
        for (long[] pair : pairs) {
            int part = (int) pair[1];
            int g = (int) pair[2];
            if (!placed.contains(part) && room[g] > 0) {
                order[part][depth] = g;
                decided[part] = depth + 1;
                room[g]--;
                placed.add(part);
            }
        }
        if (placed.size() != k) {
            throw new IllegalStateException("placed " + placed.size() + " of " + k + " parts");
        }
    }

    /**
     * How many parts each gateway carries when every gateway in {@code failed} is down, as far
     * as the orders are decided: a part whose decided choices all failed counts for nobody yet.
     */
    private static int[] carried(boolean[] failed, int[][] order, int[] decided) {
        int[] load = new int[failed.length];
        for (int i = 0; i < order.length; i++) {
            for (int d = 0; d < decided[i]; d++) {
                if (!failed[order[i][d]]) {
                    load[order[i][d]]++;
                    break;
                }
            }
        }
        return load;
    }

    /**
     * The first 8 bytes of SHA-256 of {@code text}, unsigned: a gateway's weight for a part
     * hashes {@code "part\0PART\0GATEWAY"}, the tie order among gateways {@code "gateway\0GATEWAY"}.
     */
    private static long hash(MessageDigest sha, String text) {
        byte[] d = sha.digest(text.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[i] & 0xff);
        }
        return v;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static List<String> sortedDistinct(Collection<String> names, String what) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).equals(sorted.get(i - 1))) {
                throw new IllegalArgumentException(what + " '" + sorted.get(i) + "' is listed twice");
            }
        }
        return sorted;
    }

    private static int compareLists(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}

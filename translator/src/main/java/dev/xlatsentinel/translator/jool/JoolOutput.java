package dev.xlatsentinel.translator.jool;

import java.math.BigInteger;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parsers for the text the {@code jool} and {@code jool_siit} clients (4.1.x) print. Formats
 * as printed by Jool's userspace source (src/usr/argp/wargp/*.c):
 * <ul>
 * <li>{@code instance status}: {@code Running}, or {@code Dead} (plus a line in parentheses
 * when the instance does not exist);
 * <li>{@code stats display --csv [--all]}: header {@code Stat,Value}, then {@code NAME,VALUE}
 * per counter (with {@code --explain} a third, quoted column);
 * <li>{@code pool4 display --csv}: header {@code Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed},
 * address as {@code a.b.c.d} or {@code a.b.c.d/len};
 * <li>{@code bib display --numeric --csv}: header {@code Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?}.
 * </ul>
 * Counters are read by name: their numeric IDs change between 4.1.x releases.
 * Anything else is a {@link JoolOutputException} naming the line.
 */
public final class JoolOutput {
    private static final Pattern STAT_NAME = Pattern.compile("JSTAT[A-Z0-9_]*");
    private static final Pattern UNSIGNED = Pattern.compile("\\d{1,20}");
    static final String POOL4_HEADER = "Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed";
    static final String BIB_HEADER = "Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?";

    public enum Protocol {
        TCP, UDP, ICMP
    }

    private JoolOutput() {
    }

    /** Counter name to value, in output order. */
    public static Map<String, Long> parseStats(String csv) throws JoolOutputException {
        Map<String, Long> stats = new LinkedHashMap<>();
        String[] lines = csv.split("\n", -1);
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (stats.isEmpty() && line.startsWith("Stat,Value")) {
                continue;
            }
            int c1 = line.indexOf(',');
            if (c1 < 0) {
                throw new JoolOutputException("stats line " + n + " '" + cut(line) + "' is not NAME,VALUE");
            }
            String name = line.substring(0, c1);
            int c2 = line.indexOf(',', c1 + 1);
            String value = c2 < 0 ? line.substring(c1 + 1) : line.substring(c1 + 1, c2);
            if (!STAT_NAME.matcher(name).matches()) {
                throw new JoolOutputException("stats line " + n + " '" + cut(line) + "': '" + cut(name)
                        + "' is not a counter name");
            }
            if (!UNSIGNED.matcher(value).matches() || new BigInteger(value).bitLength() > 63) {
                throw new JoolOutputException("stats line " + n + " '" + cut(line) + "': value '" + cut(value)
                        + "' is not a counter value");
            }
            if (stats.put(name, Long.parseLong(value)) != null) {
                throw new JoolOutputException("stats line " + n + ": counter " + name + " appears twice");
            }
        }
        if (stats.isEmpty()) {
            throw new JoolOutputException("stats output has no counters");
        }
        return stats;
    }

    /**
     * Transport addresses pool4 offers per protocol: for each row, addresses in the prefix
     * times ports in the range. A protocol with no row is absent (Jool then borrows the
     * node's own addresses, whose capacity it does not print).
     */
    public static Map<Protocol, Long> parsePool4Capacity(String csv) throws JoolOutputException {
        Map<Protocol, Long> cap = new EnumMap<>(Protocol.class);
        String[] lines = csv.split("\n", -1);
        boolean header = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!header) {
                if (!line.equals(POOL4_HEADER)) {
                    throw new JoolOutputException("pool4 output starts with '" + cut(line) + "', not its CSV header");
                }
                header = true;
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 7) {
                throw new JoolOutputException("pool4 line " + (i + 1) + " '" + cut(line) + "' has " + f.length
                        + " fields, not 7");
            }
            Protocol proto = protocol(f[1], "pool4 line " + (i + 1));
            int len = 32;
            String addr = f[2];
            int slash = addr.indexOf('/');
            try {
                if (slash >= 0) {
                    len = Integer.parseInt(addr.substring(slash + 1));
                    addr = addr.substring(0, slash);
                }
                int min = Integer.parseInt(f[3]);
                int max = Integer.parseInt(f[4]);
                if (len < 0 || len > 32 || min < 0 || max > 65535 || min > max || !addr.matches("\\d+(\\.\\d+){3}")) {
                    throw new NumberFormatException();
                }
                cap.merge(proto, (1L << (32 - len)) * (max - min + 1), Long::sum);
            } catch (NumberFormatException e) {
                throw new JoolOutputException("pool4 line " + (i + 1) + " '" + cut(line)
                        + "': bad address or port range");
            }
        }
        if (!header) {
            throw new JoolOutputException("pool4 output is empty (not even its CSV header)");
        }
        return cap;
    }

    /**
     * BIB entries in {@code bib display --csv} output: {@code lines} is the total number of
     * stdout lines, {@code head} the kept beginning, checked for the header and well-formed rows.
     */
    public static long countBib(String head, long lines) throws JoolOutputException {
        String[] l = head.split("\n");
        if (l.length == 0 || !l[0].strip().equals(BIB_HEADER)) {
            throw new JoolOutputException("bib output starts with '" + cut(l.length == 0 ? "" : l[0])
                    + "', not its CSV header");
        }
        for (int i = 1; i < l.length; i++) {
            String[] f = l[i].strip().split(",", -1);
            if (f.length != 6) {
                throw new JoolOutputException("bib line " + (i + 1) + " '" + cut(l[i]) + "' has " + f.length
                        + " fields, not 6");
            }
            protocol(f[0], "bib line " + (i + 1));
        }
        return lines - 1;
    }

    /** The result of {@code instance status}. */
    public record Status(boolean running, String text) {
    }

    public static Status parseStatus(String stdout) throws JoolOutputException {
        String first = stdout.strip().split("\n")[0].strip();
        if (first.equals("Running")) {
            return new Status(true, "Running");
        }
        if (first.equals("Dead") || first.equals("Status unknown")) {
            return new Status(false, stdout.strip().replace('\n', ' '));
        }
        throw new JoolOutputException("instance status printed '" + cut(first) + "', not Running or Dead");
    }

    private static Protocol protocol(String s, String where) throws JoolOutputException {
        try {
            return Protocol.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new JoolOutputException(where + ": protocol '" + cut(s) + "' is not TCP, UDP or ICMP");
        }
    }

    private static String cut(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}

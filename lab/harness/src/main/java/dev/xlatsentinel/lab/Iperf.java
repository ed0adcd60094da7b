package dev.xlatsentinel.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saturating load through the NAT64 with Debian's {@code iperf} (2.x): a server in the IPv4
 * namespace, a client in the IPv6-only one sending to the server's NAT64 address. UDP (no
 * control handshake, so it survives a route change: shared/notes/load-and-faults.md) or TCP.
 * The client stops by itself after its time ({@code -t}); the lab stops both at teardown.
 */
public final class Iperf {
    /** What to send. */
    public enum Kind {
        /** {@code -u -b RATE -P STREAMS}: 4 x 500M offers ~2.1 Gbit/s, beyond what TAYGA forwards. */
        UDP,
        /** {@code -P STREAMS} TCP streams: as much as the path takes (~2 Gbit/s through TAYGA). */
        TCP
    }

    private static final Pattern SUM = Pattern.compile("\\[SUM\\][^\\n]*?([0-9.]+) ([KMG])bits/sec");
    private static final Pattern ONE = Pattern.compile("\\]\\s+0\\.0+-\\s*[0-9.]+ sec[^\\n]*?([0-9.]+) ([KMG])bits/sec");

    private Iperf() {
    }

    /** One client run: the process, and what it printed when it ended. */
    public static final class Load implements AutoCloseable {
        private final Daemon client;
        private final Duration length;

        private Load(Daemon client, Duration length) {
            this.client = client;
            this.length = length;
        }

        /** Waits for the client to end (its own -t plus a margin) and returns the offered rate it reported. */
        public String await() {
            client.awaitExit(length.plusSeconds(30));
            return summary(client.logText());
        }

        public boolean running() {
            return client.isAlive();
        }

        public Daemon client() {
            return client;
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Starts a server for {@code kind} on {@code port} in {@code ns} (IPv4, all addresses). */
    public static Daemon server(Netns ns, Kind kind, int port) {
        List<String> argv = new ArrayList<>(List.of("iperf", "-s", "-p", Integer.toString(port)));
        if (kind == Kind.UDP) {
            argv.add("-u");
        }
        Daemon d = ns.start("iperf-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + port,
                argv.toArray(String[]::new));
        Poll.until(Duration.ofSeconds(10), Poll.DEFAULT_EVERY, "iperf server listening on " + port + " in " + ns,
                () -> !d.isAlive() || listening(ns, kind, port), d::logText);
        if (!d.isAlive()) {
            throw new LabException("iperf server exited at start: " + d.logText());
        }
        return d;
    }

    private static boolean listening(Netns ns, Kind kind, int port) {
        Cmd.Result r = ns.exec("ss", "-H", "-ln", kind == Kind.UDP ? "-u" : "-t", "sport", "= :" + port);
        return r.ok() && !r.stdout().isBlank();
    }

    /**
     * Starts a client in {@code ns} toward {@code destination6} (a NAT64 address) for
     * {@code length}: UDP at {@code rate} per stream (e.g. "500M"), or TCP (rate ignored).
     */
    public static Load client(Netns ns, Kind kind, String destination6, int port, String rate, int streams,
            Duration length) {
        long seconds = Math.max(1, length.toSeconds());
        List<String> argv = new ArrayList<>(List.of("iperf", "-V", "-c", destination6, "-p", Integer.toString(port),
                "-P", Integer.toString(streams), "-t", Long.toString(seconds), "-i", "0"));
        if (kind == Kind.UDP) {
            argv.addAll(List.of("-u", "-b", rate));
        }
        return new Load(ns.start("iperf-client-" + port, argv.toArray(String[]::new)), Duration.ofSeconds(seconds));
    }

    /** The total rate a client reported ("2.10 Gbit/s"), or what it printed last when it reported none. */
    static String summary(String log) {
        Matcher m = SUM.matcher(log);
        String last = null;
        while (m.find()) {
            last = m.group(1) + " " + m.group(2) + "bit/s";
        }
        if (last == null) {
            Matcher one = ONE.matcher(log);
            while (one.find()) {
                last = one.group(1) + " " + one.group(2) + "bit/s";
            }
        }
        if (last != null) {
            return last;
        }
        String[] lines = log.strip().split("\n");
        return "no rate reported (" + lines[lines.length - 1].strip() + ")";
    }
}

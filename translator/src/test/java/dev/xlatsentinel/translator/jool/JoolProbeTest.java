package dev.xlatsentinel.translator.jool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.platform.process.Subprocess;
import dev.xlatsentinel.platform.time.ManualClock;
import dev.xlatsentinel.platform.time.SystemScheduler;
import dev.xlatsentinel.translator.probe.ProbeResult;
import dev.xlatsentinel.translator.probe.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Jool adapter against output in the formats jool 4.1.x prints (see the fixtures' README). */
class JoolProbeTest {
    private static final List<String> ARGV = List.of("jool", "-i", "lower");

    static String fixture(String name) {
        try (InputStream in = JoolProbeTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Subprocess.Result out(String stdout) {
        return new Subprocess.Result(ARGV, 0, stdout, stdout.lines().count(), false, "", false, Duration.ofSeconds(1),
                null);
    }

    static Subprocess.Result err(int exit, String stdout, String stderr) {
        return new Subprocess.Result(ARGV, exit, stdout, stdout.lines().count(), false, stderr, false,
                Duration.ofSeconds(1), null);
    }

    /** The fixture with one counter set to {@code value}. */
    static String with(String csv, String counter, long value) {
        assertThat(csv).containsPattern("(?m)^" + counter + ",\\d+");
        return csv.replaceAll("(?m)^" + counter + ",\\d+", counter + "," + value);
    }

    private static long get(String csv, String counter) throws JoolOutputException {
        return JoolOutput.parseStats(csv).get(counter);
    }

    private static UnaryOperator<String> plus(String counter, long d) {
        return csv -> {
            try {
                return with(csv, counter, get(csv, counter) + d);
            } catch (JoolOutputException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static JoolProbe probe(JoolThresholds t) {
        return new JoolProbe("jool lower", "jool", "lower", null, t, null, new ManualClock(Instant.EPOCH));
    }

    private static final Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> NONE = Map.of();

    /** Runs the probe's judgement on {@code first} then {@code second} stats and returns the second result. */
    private static ProbeResult twoRuns(JoolThresholds t, String first, String second) {
        JoolProbe p = probe(t);
        ProbeResult r1 = p.evaluate(out(first), NONE, NONE);
        assertThat(r1.passed()).as(r1.reason()).isTrue();
        return p.evaluate(out(second), NONE, NONE);
    }

    private static final JoolThresholds SIIT = JoolThresholds.SIIT_DEFAULTS;

    @Test
    void readsCountersByNameFromTheDocumentedOutput() throws Exception {
        Map<String, Long> s = JoolOutput.parseStats(fixture("stats-explain-docs.csv"));
        assertThat(s).containsEntry("JSTAT_SUCCESS", 35L).containsEntry("JSTAT_FAILED_ROUTES", 1L)
                .containsEntry("JSTAT_ICMP6ERR_SUCCESS", 1L).hasSize(7);
    }

    @Test
    void countersAreFoundByNameAcrossReleasesWhoseIdsDiffer() throws Exception {
        Map<String, Long> old = JoolOutput.parseStats(fixture("stats-all-4.1.5.csv"));
        Map<String, Long> now = JoolOutput.parseStats(fixture("stats-all-4.1.15.csv"));
        assertThat(old).containsKey("JSTAT_FRAGMENTED_PING").doesNotContainKey("JSTAT_JOOLD_ACKS");
        assertThat(now).doesNotContainKey("JSTAT_FRAGMENTED_PING").containsKey("JSTAT_JOOLD_ACKS");
        // The same counter sits at different positions (its numeric ID moved), yet reads the same.
        assertThat(List.copyOf(old.keySet()).indexOf("JSTAT_HDR6"))
                .isNotEqualTo(List.copyOf(now.keySet()).indexOf("JSTAT_HDR6"));
        for (String csv : List.of(fixture("stats-all-4.1.5.csv"), fixture("stats-all-4.1.15.csv"))) {
            ProbeResult r = twoRuns(JoolThresholds.NAT64_DEFAULTS, csv,
                    plus("JSTAT_RECEIVED6", 10).andThen(plus("JSTAT_SUCCESS", 10)).apply(csv));
            assertThat(r.passed()).as(r.reason()).isTrue();
            assertThat(r.reason()).isEqualTo("instance lower running, counters normal");
        }
    }

    @ParameterizedTest(name = "{0} +{1}")
    @CsvSource(delimiter = '|', value = {
        "JSTAT_XLATOR_DISABLED|5|translator disabled: JSTAT_XLATOR_DISABLED +5 packets not translated",
        "JSTAT_POOL6_UNSET|3|pool6 unset: JSTAT_POOL6_UNSET +3 packets not translated",
        "JSTAT_ENOMEM|1|memory allocation failures: JSTAT_ENOMEM +1",
        "JSTAT_FAILED_ROUTES|7|translated packets could not be routed: JSTAT_FAILED_ROUTES +7",
        "JSTAT_RECEIVED6|12|no successful translation: JSTAT_RECEIVED6 +12, JSTAT_SUCCESS +0",
        "JSTAT_BIB6_NOT_FOUND|40|pool4 exhausted: JSTAT_BIB6_NOT_FOUND +40 IPv6 packets found no BIB entry and none could be created",
    })
    void aRisingCounterFailsTheInstanceWithItsNameAndIncrease(String counter, long increase, String reason) {
        String base = fixture("stats-all-4.1.15.csv");
        ProbeResult r = twoRuns(JoolThresholds.NAT64_DEFAULTS, base, plus(counter, increase).apply(base));
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).isEqualTo(reason);
    }

    @Test
    void oldCountsDoNotFailOnlyIncreasesDo() {
        String incident = with(with(fixture("stats-all-4.1.15.csv"), "JSTAT_ENOMEM", 99), "JSTAT_FAILED_ROUTES", 5);
        JoolProbe p = probe(JoolThresholds.NAT64_DEFAULTS);
        assertThat(p.evaluate(out(incident), NONE, NONE).passed()).isTrue();
        assertThat(p.evaluate(out(incident), NONE, NONE).passed()).isTrue();
    }

    @Test
    void failedRoutesUnderTheToleranceAndSiitWithoutPool4Pass() {
        String base = fixture("stats-all-4.1.15.csv");
        JoolThresholds tolerant = new JoolThresholds(10, 1, 0.95, false, false);
        assertThat(twoRuns(tolerant, base, plus("JSTAT_FAILED_ROUTES", 10).apply(base)).passed()).isTrue();
        assertThat(twoRuns(tolerant, base, plus("JSTAT_FAILED_ROUTES", 11).apply(base)).passed()).isFalse();
        // SIIT has no pool4: BIB6_NOT_FOUND is not its condition.
        assertThat(twoRuns(SIIT, base, plus("JSTAT_BIB6_NOT_FOUND", 5).apply(base)).passed()).isTrue();
    }

    @Test
    void aRecreatedInstanceIsANewBaselineNotARate() {
        String base = with(fixture("stats-all-4.1.15.csv"), "JSTAT_XLATOR_DISABLED", 1000);
        // Counters reset to small values (instance recreated), one of them non-zero.
        String reset = with(with(with(base, "JSTAT_RECEIVED6", 3), "JSTAT_SUCCESS", 3), "JSTAT_XLATOR_DISABLED", 2);
        ProbeResult r = twoRuns(JoolThresholds.NAT64_DEFAULTS, base, reset);
        assertThat(r.passed()).as(r.reason()).isTrue();
        assertThat(r.reason()).contains("first counters read");
    }

    @Test
    void sessionSyncConditionsWhenSsEnabled() {
        JoolThresholds ss = new JoolThresholds(0, 1, 0.95, true, true);
        String base = fixture("stats-all-4.1.15.csv");
        UnaryOperator<String> traffic = plus("JSTAT_RECEIVED6", 5).andThen(plus("JSTAT_SUCCESS", 5))::apply;
        assertThat(twoRuns(ss, base, traffic.andThen(plus("JSTAT_JOOLD_SSS_QUEUED", 4))
                .andThen(plus("JSTAT_JOOLD_SSS_SENT", 4)).andThen(plus("JSTAT_JOOLD_ACKS", 1)).apply(base)).passed())
                .isTrue();
        assertThat(twoRuns(ss, base, traffic.andThen(plus("JSTAT_JOOLD_SSS_ENOSPC", 9)).apply(base)).reason())
                .isEqualTo("session sync queue full: JSTAT_JOOLD_SSS_ENOSPC +9 sessions dropped");
        assertThat(twoRuns(ss, base, traffic.andThen(plus("JSTAT_JOOLD_MISSING_ACK", 3)).apply(base)).reason())
                .isEqualTo("joold not acknowledging: JSTAT_JOOLD_MISSING_ACK +3, JSTAT_JOOLD_ACKS +0");
        assertThat(twoRuns(ss, base, traffic.andThen(plus("JSTAT_JOOLD_SSS_QUEUED", 6)).apply(base)).reason())
                .isEqualTo("sessions not synchronised: JSTAT_JOOLD_SSS_QUEUED +6, JSTAT_JOOLD_SSS_SENT +0");
        // 4.1.5 has no joold counters: session sync cannot be checked, so it fails closed.
        ProbeResult old = probe(ss).evaluate(out(fixture("stats-all-4.1.5.csv")), NONE, NONE);
        assertThat(old.passed()).isFalse();
        assertThat(old.reason()).isEqualTo("counter JSTAT_JOOLD_SSS_QUEUED missing from 'stats display --csv --all'"
                + " (output truncated, or a Jool without it)");
    }

    private static Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> perProto(String tcp) {
        Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> m = new EnumMap<>(JoolOutput.Protocol.class);
        m.put(JoolOutput.Protocol.TCP, CompletableFuture.completedFuture(out(tcp)));
        m.put(JoolOutput.Protocol.UDP, CompletableFuture.completedFuture(out(fixture("pool4-empty.csv"))));
        m.put(JoolOutput.Protocol.ICMP, CompletableFuture.completedFuture(out(fixture("pool4-empty.csv"))));
        return m;
    }

    private static Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> bibs(String tcp) {
        String empty = JoolOutput.BIB_HEADER + "\n";
        Map<JoolOutput.Protocol, CompletableFuture<Subprocess.Result>> m = new EnumMap<>(JoolOutput.Protocol.class);
        m.put(JoolOutput.Protocol.TCP, CompletableFuture.completedFuture(out(tcp)));
        m.put(JoolOutput.Protocol.UDP, CompletableFuture.completedFuture(out(empty)));
        m.put(JoolOutput.Protocol.ICMP, CompletableFuture.completedFuture(out(empty)));
        return m;
    }

    /** A BIB listing of {@code n} TCP entries in jool's CSV format (too big to keep as a file). */
    private static String bibOf(int n) {
        StringBuilder s = new StringBuilder(JoolOutput.BIB_HEADER).append('\n');
        for (int i = 0; i < n; i++) {
            s.append("TCP,2001:db8::").append(Integer.toHexString(i / 1000 + 1)).append(',').append(10000 + i)
                    .append(",192.0.2.").append(1 + i % 2).append(',').append(61001 + i / 2).append(",0\n");
        }
        return s.toString();
    }

    @Test
    void pool4CapacityFromItsCsvAndBibNearItFails() throws Exception {
        // 192.0.2.1/31 ports 61001-65535 (2 x 4535) + 192.0.2.8 ports 1024-2047 (1024).
        assertThat(JoolOutput.parsePool4Capacity(fixture("pool4-tcp.csv")))
                .containsExactlyEntriesOf(Map.of(JoolOutput.Protocol.TCP, 10094L));
        assertThat(JoolOutput.parsePool4Capacity(fixture("pool4-empty.csv"))).isEmpty();
        assertThat(JoolOutput.countBib(fixture("bib-tcp-docs.csv"), 4)).isEqualTo(3);

        JoolProbe p = probe(JoolThresholds.NAT64_DEFAULTS);
        String stats = fixture("stats-all-4.1.15.csv");
        ProbeResult fine = p.evaluate(out(stats), perProto(fixture("pool4-tcp.csv")), bibs(fixture("bib-tcp-docs.csv")));
        assertThat(fine.passed()).as(fine.reason()).isTrue();
        assertThat(fine.details()).containsEntry("bib_TCP", "3").containsEntry("pool4_TCP", "10094");

        ProbeResult full = p.evaluate(out(stats), perProto(fixture("pool4-tcp.csv")), bibs(bibOf(9600)));
        assertThat(full.passed()).isFalse();
        assertThat(full.reason()).isEqualTo("pool4 TCP nearly exhausted: 9600 of 10094 transport addresses in use (95%)");
        // Empty pool4: Jool borrows the node's addresses, whose capacity it does not print; no ratio then.
        ProbeResult borrowed = probe(JoolThresholds.NAT64_DEFAULTS).evaluate(out(stats),
                perProto(fixture("pool4-empty.csv")), bibs(bibOf(9600)));
        assertThat(borrowed.passed()).as(borrowed.reason()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "value not a number|JSTAT_SUCCESS,abc|stats line 2 'JSTAT_SUCCESS,abc': value 'abc' is not a counter value",
        "truncated mid-line|JSTAT_SUCCE|stats line 2 'JSTAT_SUCCE' is not NAME,VALUE",
        "truncated after the name|JSTAT_SUCCESS,|stats line 2 'JSTAT_SUCCESS,': value '' is not a counter value",
        "error text on stdout|Error: odd 1|stats line 2 'Error: odd 1' is not NAME,VALUE",
        "not a counter name|jstat_success,1|stats line 2 'jstat_success,1': 'jstat_success' is not a counter name",
        "value overflows|JSTAT_SUCCESS,99999999999999999999|stats line 2 'JSTAT_SUCCESS,99999999999999999999': value '99999999999999999999' is not a counter value",
    })
    void malformedStatsFailWithTheLineNotAnException(String what, String line, String reason) {
        ProbeResult r = probe(SIIT).evaluate(out("Stat,Value\n" + line + "\n"), NONE, NONE);
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).isEqualTo(reason);
    }

    @Test
    void truncatedOrEmptyOutputFailsWithAReason() {
        String all = fixture("stats-all-4.1.15.csv");
        // Cut after the first 20 lines: the later counters the conditions need are missing.
        String head = String.join("\n", all.lines().limit(20).toList()) + "\n";
        ProbeResult cut = probe(SIIT).evaluate(out(head), NONE, NONE);
        assertThat(cut.passed()).isFalse();
        assertThat(cut.reason()).isEqualTo("counter JSTAT_FAILED_ROUTES missing from 'stats display --csv --all'"
                + " (output truncated, or a Jool without it)");
        assertThat(probe(SIIT).evaluate(out(""), NONE, NONE).reason()).isEqualTo("stats output has no counters");
        assertThat(probe(SIIT).evaluate(out("Stat,Value\nJSTAT_SUCCESS,1\nJSTAT_SUCCESS,2\n"), NONE, NONE).reason())
                .isEqualTo("stats line 3: counter JSTAT_SUCCESS appears twice");

        JoolProbe p = probe(JoolThresholds.NAT64_DEFAULTS);
        String stats = fixture("stats-all-4.1.15.csv");
        assertThat(p.evaluate(out(stats), perProto("0,TCP,192.0.2.1\n"), bibs(fixture("bib-tcp-docs.csv"))).reason())
                .isEqualTo("pool4 output starts with '0,TCP,192.0.2.1', not its CSV header");
        assertThat(p.evaluate(out(stats), perProto(JoolOutput.POOL4_HEADER + "\n0,TCP,192.0.2.1,61001\n"),
                bibs(fixture("bib-tcp-docs.csv"))).reason())
                .isEqualTo("pool4 line 2 '0,TCP,192.0.2.1,61001' has 4 fields, not 7");
        assertThat(p.evaluate(out(stats), perProto(JoolOutput.POOL4_HEADER + "\n0,TCP,192.0.2.1/33,1,2,auto,0\n"),
                bibs(fixture("bib-tcp-docs.csv"))).reason())
                .isEqualTo("pool4 line 2 '0,TCP,192.0.2.1/33,1,2,auto,0': bad address or port range");
        assertThat(p.evaluate(out(stats), perProto(fixture("pool4-tcp.csv")),
                bibs(JoolOutput.BIB_HEADER + "\nTCP,6::6,6,4.4.4.4\n")).reason())
                .isEqualTo("bib line 2 'TCP,6::6,6,4.4.4.4' has 4 fields, not 6");
        assertThat(p.evaluate(out(stats), perProto(""), bibs(fixture("bib-tcp-docs.csv"))).reason())
                .isEqualTo("pool4 output is empty (not even its CSV header)");
    }

    @Test
    void instanceStatusRunningDeadAndModuleNotLoaded() {
        JoolProbe p = probe(JoolThresholds.NAT64_DEFAULTS);
        assertThat(p.statusProblem(out(fixture("status-running.out")))).isNull();
        assertThat(p.statusProblem(out(fixture("status-dead.out"))))
                .isEqualTo("instance lower is Dead (Instance 'lower' does not exist.)");
        assertThat(p.statusProblem(err(253, fixture("status-not-modprobed.out"), fixture("not-modprobed.err"))))
                .isEqualTo("Jool kernel module not loaded: Jool's socket family doesn't seem to exist."
                        + " (This probably means Jool hasn't been modprobed.) Netlink error message: Object not found");
        assertThat(p.statusProblem(out("Runnin"))).isEqualTo("instance status printed 'Runnin', not Running or Dead");
        assertThat(p.statusProblem(out(""))).isEqualTo("instance status printed '', not Running or Dead");
        // stats for an instance that does not exist: the kernel's message, via the exit status.
        ProbeResult r = p.evaluate(err(1, "", fixture("no-instance.err")), NONE, NONE);
        assertThat(r.reason()).isEqualTo("'jool -i lower' exited 1: Error: This namespace lacks an instance named 'lower'.");
    }

    @Test
    void missingJoolBinaryFailsClosedWithThatReason() throws Exception {
        try (SystemScheduler s = new SystemScheduler("jool-test")) {
            JoolProbe p = new JoolProbe("jool lower", "/nonexistent/jool", "lower", null,
                    JoolThresholds.NAT64_DEFAULTS, new Subprocess(s), s);
            ProbeResult r = p.run(Duration.ofSeconds(5)).get();
            assertThat(r.passed()).isFalse();
            assertThat(r.reason()).isEqualTo("'/nonexistent/jool' not found: Jool's userspace client is not installed");
        }
    }

    @Test
    void itsCountersAreTheTranslatorsTrafficForTheHealthRulesBusyOrQuiet() {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        JoolProbe p = new JoolProbe("jool lower", "jool", "lower", null, JoolThresholds.NAT64_DEFAULTS, null, clock);
        String base = fixture("stats-all-4.1.15.csv");
        ProbeResult first = p.evaluate(out(base), NONE, NONE);
        assertThat(first.signal()).as("no rate from one reading").isNull();
        clock.advance(java.time.Duration.ofMillis(10));
        // 10 ms of a flood: 1000 packets from the IPv6 side, 800 from the IPv4 side, 1790 translated.
        String busy = plus("JSTAT_RECEIVED6", 1000).andThen(plus("JSTAT_RECEIVED4", 800))
                .andThen(plus("JSTAT_SUCCESS", 1790)).apply(base);
        ProbeResult r = p.evaluate(out(busy), NONE, NONE);
        assertThat(r.passed()).as(r.reason()).isTrue();
        assertThat(r.signal()).isEqualTo(new Signal.Forwarding(1800, 1790, 0, false, 10_000_000));
        assertThat(((Signal.Forwarding) r.signal()).saturated()).as("180 000 packets a second").isTrue();
        // One second of a test stream: 2 000 packets a second is traffic, not saturation.
        clock.advance(java.time.Duration.ofSeconds(1));
        String quiet = plus("JSTAT_RECEIVED6", 1000).andThen(plus("JSTAT_RECEIVED4", 1000))
                .andThen(plus("JSTAT_SUCCESS", 2000)).apply(busy);
        Signal.Forwarding f = (Signal.Forwarding) p.evaluate(out(quiet), NONE, NONE).signal();
        assertThat(f.in()).isEqualTo(2000);
        assertThat(f.saturated()).isFalse();
    }

    @Test
    void jstatSuccessAgainstTheEgressCountersSaysWhetherItsOutputLeaves() {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        long[] v4 = {5_000};
        dev.xlatsentinel.translator.host.EgressWindow egress = new dev.xlatsentinel.translator.host.EgressWindow(
                name -> java.util.Optional.of(new dev.xlatsentinel.translator.host.LinkState(name, 3, true, true, "up",
                        0, v4[0], 0, 0, 0, 0)), java.util.List.of("eth1"));
        JoolProbe p = new JoolProbe("jool lower", "jool", "lower", null, JoolThresholds.NAT64_DEFAULTS, null, clock,
                egress);
        String base = fixture("stats-all-4.1.15.csv");
        p.evaluate(out(base), NONE, NONE);
        // 100 ms: 5 000 translated, 4 990 left by the IPv4 side.
        clock.advance(java.time.Duration.ofMillis(100));
        v4[0] += 4_990;
        String busy = plus("JSTAT_RECEIVED6", 5_000).andThen(plus("JSTAT_SUCCESS", 5_000)).apply(base);
        Signal.Forwarding f = (Signal.Forwarding) p.evaluate(out(busy), NONE, NONE).signal();
        assertThat(java.util.List.of(f.written(), f.egress())).containsExactly(5_000L, 4_990L);
        assertThat(f.outputLeaves()).isTrue();
        // The next 100 ms: 5 000 more translated, none left (an output firewall rule).
        clock.advance(java.time.Duration.ofMillis(100));
        String held = plus("JSTAT_RECEIVED6", 5_000).andThen(plus("JSTAT_SUCCESS", 5_000)).apply(busy);
        f = (Signal.Forwarding) p.evaluate(out(held), NONE, NONE).signal();
        assertThat(f.outputHeldBack()).isTrue();
        // Without egress interfaces: not measured.
        JoolProbe plain = new JoolProbe("jool lower", "jool", "lower", null, JoolThresholds.NAT64_DEFAULTS, null,
                clock);
        plain.evaluate(out(base), NONE, NONE);
        clock.advance(java.time.Duration.ofMillis(100));
        f = (Signal.Forwarding) plain.evaluate(out(busy), NONE, NONE).signal();
        assertThat(f.egress()).isEqualTo(-1L);
    }
}

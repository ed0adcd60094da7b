package dev.xlatsentinel.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.State;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** RFC 5880 §6.8.2-6.8.4 and §6.8.7 on a manual clock. */
class TimersTest {
    private static final int PEER = 0x11;
    private final Fixture f = new Fixture();

    /** The peer, Up, sends {@code times} packets {@code stepMs} apart while time moves. */
    private void peerUp(Session s, int times, int stepMs, long peerTxMicros, long peerRxMicros) {
        for (int i = 0; i < times; i++) {
            f.advance(Duration.ofMillis(stepMs));
            f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(peerTxMicros, peerRxMicros));
        }
    }

    private static List<Long> gapsMicros(List<Fixture.Sent> sent) {
        return java.util.stream.IntStream.range(1, sent.size())
                .mapToObj(i -> (sent.get(i).at() - sent.get(i - 1).at()) / 1000).collect(Collectors.toList());
    }

    private static List<Fixture.Sent> periodic(List<Fixture.Sent> sent) {
        return sent.stream().filter(x -> !x.view().fin()).collect(Collectors.toList());
    }

    @Test
    void transmitsAtMostOncePerSecondWhileNotUp() {
        f.add(Fixture.config().interval(Duration.ofMillis(10)).build());
        f.advance(Duration.ofSeconds(20));
        List<Long> gaps = gapsMicros(f.sent);
        assertThat(gaps).hasSizeGreaterThan(18).allSatisfy(g -> assertThat(g).isBetween(750_000L, 1_000_000L));
        assertThat(f.sent).allSatisfy(x -> assertThat(x.view().desiredMinTxMicros()).isEqualTo(1_000_000));
    }

    /** Reduced by 10-25 %: within §6.8.7's 0-25 %, with 10 % left for a late wake-up. */
    @Test
    void jitterReducesEachIntervalBy10To25Percent() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        int from = f.sent.size();
        peerUp(s, 400, 10, 50_000, 50_000);
        List<Long> gaps = gapsMicros(f.since(from));
        assertThat(gaps).allSatisfy(g -> assertThat(g).isBetween(37_500L, 45_000L));
        assertThat(gaps.stream().mapToLong(Long::longValue).min().getAsLong()).as("uses the range").isLessThan(40_000);
        assertThat(gaps.stream().mapToLong(Long::longValue).max().getAsLong()).isGreaterThan(44_000);
    }

    @Test
    void jitterStaysBetween75And90PercentWithDetectMultOne() {
        Session s = f.add(Fixture.config().detectMult(1).build());
        f.bringUp(s, PEER);
        int from = f.sent.size();
        peerUp(s, 400, 10, 50_000, 50_000);
        List<Long> gaps = gapsMicros(f.since(from));
        assertThat(gaps).allSatisfy(g -> assertThat(g).isBetween(37_500L, 45_000L));
        assertThat(gaps.stream().mapToLong(Long::longValue).max().getAsLong()).isGreaterThan(44_000);
    }

    /** The engine may fire up to 500 µs late; the jitter leaves that room below 90 %. */
    @Test
    void jitterLeavesRoomForTheDriversTimerSlack() {
        Fixture slack = new Fixture(7, 500_000);
        Session s = slack.add(Fixture.config().interval(Duration.ofMillis(10)).detectMult(1).build());
        slack.bringUp(s, PEER);
        int from = slack.sent.size();
        for (int i = 0; i < 500; i++) {
            slack.advance(Duration.ofMillis(1));
            slack.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(10_000, 10_000));
        }
        List<Long> gaps = gapsMicros(periodic(slack.since(from)));
        assertThat(gaps).hasSizeGreaterThan(50);
        assertThat(gaps).allSatisfy(g -> assertThat(g).as("75 %% .. 90 %% - 0.5 ms").isBetween(7_500L, 8_500L));
    }

    /** A 500 µs slack would eat a 3.3 ms session's jitter range: it shrinks to 5 % of the interval. */
    @Test
    void timerSlackShrinksToFivePercentOfTheShortestInterval() {
        Fixture slack = new Fixture(7, 500_000);
        slack.add(Fixture.config().peer("192.0.2.9").interval(Duration.ofMillis(50)).build());
        assertThat(slack.table.timerSlackNanos()).isEqualTo(500_000);
        Session fast = slack.add(Fixture.config().interval(Duration.ofNanos(3_300_000)).build());
        assertThat(slack.table.timerSlackNanos()).isEqualTo(165_000);
        slack.bringUp(fast, PEER);
        int from = slack.sent.size();
        for (int i = 0; i < 300; i++) {
            slack.advance(Duration.ofMillis(1));
            slack.deliver(Wire.from(PEER).state(State.UP).your(fast.localDiscriminator()).txRx(3_300, 3_300));
        }
        List<Long> gaps = gapsMicros(periodic(slack.since(from)).stream()
                .filter(x -> x.view().myDiscriminator() == fast.localDiscriminator()).collect(Collectors.toList()));
        assertThat(gaps).hasSizeGreaterThan(50)
                .allSatisfy(g -> assertThat(g).as("75 %% .. 90 %% - 165 us").isBetween(2_475L, 2_805L));
        slack.table.removeNow(fast, slack.now());
        assertThat(slack.table.timerSlackNanos()).as("back with the slow session alone").isEqualTo(500_000);
    }

    @Test
    void transmitIntervalIsTheSlowerOfOurTxAndThePeersRx() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(50_000, 200_000));
        int from = f.sent.size();
        peerUp(s, 40, 20, 50_000, 200_000);
        assertThat(gapsMicros(f.since(from))).allSatisfy(g -> assertThat(g).isBetween(150_000L, 200_000L));
        assertThat(s.txIntervalMicros()).isEqualTo(200_000);
    }

    @Test
    void detectionTimeIsPeerMultTimesSlowerOfOurRxAndItsTx() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).mult(5).txRx(80_000, 50_000));
        assertThat(s.detectionTimeMicros()).isEqualTo(5 * 80_000);
        f.advance(Duration.ofMillis(399));
        assertThat(s.state()).isEqualTo(State.UP);
        f.advance(Duration.ofMillis(2));
        assertThat(s.state()).isEqualTo(State.DOWN);
    }

    @Test
    void comingUpStartsAPollForTheFasterRate() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.INIT).your(s.localDiscriminator()).txRx(50_000, 50_000));
        ControlPacket p = f.lastPacket();
        assertThat(p.state()).isEqualTo(State.UP);
        assertThat(p.poll()).isTrue();
        assertThat(p.desiredMinTxMicros()).isEqualTo(50_000);
        assertThat(s.txIntervalMicros()).as("a decrease applies at once").isEqualTo(50_000);
        f.advance(Duration.ofMillis(50));
        assertThat(f.lastPacket().poll()).as("P on every packet until the Final").isTrue();
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(50_000, 50_000)
                .flag(ControlPacket.FLAG_FINAL));
        f.advance(Duration.ofMillis(50));
        assertThat(f.lastPacket().poll()).isFalse();
        assertThat(s.pollInProgress()).isFalse();
    }

    @Test
    void finalIsAnsweredAtOnceAndNeverWithPoll() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.INIT).your(s.localDiscriminator()).txRx(50_000, 50_000));
        assertThat(s.pollInProgress()).isTrue();
        int from = f.sent.size();
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(50_000, 50_000)
                .flag(ControlPacket.FLAG_POLL));
        List<Fixture.Sent> out = f.since(from);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).at()).isEqualTo(f.now());
        assertThat(out.get(0).view().fin()).isTrue();
        assertThat(out.get(0).view().poll()).isFalse();
        assertThat(s.counters().get(Counter.FINALS_SENT)).isEqualTo(1);
    }

    @Test
    void increasedTxWhileUpKeepsTheOldRateUntilTheFinal() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.updateTimers(s, Fixture.config().desiredMinTx(Duration.ofMillis(500)).build(), f.now());
        assertThat(f.lastPacket().poll()).isTrue();
        assertThat(f.lastPacket().desiredMinTxMicros()).as("advertised at once").isEqualTo(500_000);
        int from = f.sent.size();
        peerUp(s, 20, 10, 50_000, 50_000);
        assertThat(gapsMicros(periodic(f.since(from)))).as("§6.8.3: still 50 ms")
                .allSatisfy(g -> assertThat(g).isLessThanOrEqualTo(50_000));
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(50_000, 50_000)
                .flag(ControlPacket.FLAG_FINAL));
        assertThat(s.txIntervalMicros()).isEqualTo(500_000);
        from = f.sent.size();
        peerUp(s, 40, 50, 50_000, 50_000);
        assertThat(gapsMicros(f.since(from))).isNotEmpty()
                .allSatisfy(g -> assertThat(g).isBetween(375_000L, 500_000L));
        assertThat(s.state()).isEqualTo(State.UP);
    }

    @Test
    void decreasedRxWhileUpKeepsTheOldDetectionTimeUntilTheFinal() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.updateTimers(s, Fixture.config().requiredMinRx(Duration.ofMillis(20)).build(), f.now());
        assertThat(f.lastPacket().requiredMinRxMicros()).isEqualTo(20_000);
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(10_000, 50_000));
        assertThat(s.detectionTimeMicros()).as("3 x old 50 ms").isEqualTo(150_000);
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(10_000, 50_000)
                .flag(ControlPacket.FLAG_FINAL));
        assertThat(s.detectionTimeMicros()).as("3 x new 20 ms").isEqualTo(60_000);
        f.advance(Duration.ofMillis(61));
        assertThat(s.state()).isEqualTo(State.DOWN);
    }

    @Test
    void increasedRxWhileUpAppliesAtOnce() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.updateTimers(s, Fixture.config().requiredMinRx(Duration.ofMillis(500)).build(), f.now());
        assertThat(s.detectionTimeMicros()).isEqualTo(1_500_000);
    }

    @Test
    void aChangeDuringAPollIsPolledAgainAfterIt() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.table.updateTimers(s, Fixture.config().desiredMinTx(Duration.ofMillis(100)).build(), f.now());
        f.table.updateTimers(s, Fixture.config().desiredMinTx(Duration.ofMillis(200)).build(), f.now());
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(50_000, 50_000)
                .flag(ControlPacket.FLAG_FINAL));
        assertThat(s.pollInProgress()).as("the second change needs its own Final").isTrue();
        assertThat(s.txIntervalMicros()).as("not applied before that Final").isEqualTo(50_000);
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).txRx(50_000, 50_000)
                .flag(ControlPacket.FLAG_FINAL));
        assertThat(s.pollInProgress()).isFalse();
        assertThat(s.txIntervalMicros()).isEqualTo(200_000);
    }

    @Test
    void peerInDemandModeSilencesPeriodicPacketsButNotFinalsOrPolls() {
        Session s = f.add(Fixture.config().build());
        f.bringUp(s, PEER);
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).flag(ControlPacket.FLAG_DEMAND)
                .txRx(50_000, 50_000));
        int from = f.sent.size();
        for (int i = 0; i < 10; i++) {
            f.advance(Duration.ofMillis(40));
            f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).flag(ControlPacket.FLAG_DEMAND)
                    .txRx(50_000, 50_000));
        }
        assertThat(f.since(from)).as("§6.8.7: no periodic packets").isEmpty();
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).flag(ControlPacket.FLAG_DEMAND)
                .flag(ControlPacket.FLAG_POLL).txRx(50_000, 50_000));
        assertThat(f.lastPacket().fin()).isTrue();
        from = f.sent.size();
        f.table.updateTimers(s, Fixture.config().requiredMinRx(Duration.ofMillis(100)).build(), f.now());
        f.advance(Duration.ofMillis(120));
        assertThat(f.since(from)).as("a Poll Sequence is sent periodically").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(x -> assertThat(x.view().poll()).isTrue());
        f.deliver(Wire.from(PEER).state(State.UP).your(s.localDiscriminator()).flag(ControlPacket.FLAG_DEMAND)
                .flag(ControlPacket.FLAG_FINAL).txRx(50_000, 50_000));
        from = f.sent.size();
        f.advance(Duration.ofMillis(30));
        assertThat(f.since(from)).isEmpty();
        assertThat(s.state()).isEqualTo(State.UP);
    }

    @Test
    void peerRequiringNoPacketsGetsNoPeriodicPackets() {
        Session s = f.add(Fixture.config().build());
        f.deliver(Wire.from(PEER).state(State.DOWN).txRx(1_000_000, 0));
        int from = f.sent.size();
        f.advance(Duration.ofMillis(2500));
        assertThat(f.since(from)).isEmpty();
        assertThat(s.state()).isEqualTo(State.INIT);
    }

    @Test
    void aPacketIsSentAtOnceOnEveryStateChange() {
        Session s = f.add(Fixture.config().build());
        f.advance(Duration.ofMillis(300));
        int from = f.sent.size();
        f.deliver(Wire.from(PEER).state(State.DOWN));
        assertThat(f.since(from)).hasSize(1);
        assertThat(f.last().at()).isEqualTo(f.now());
        assertThat(f.lastPacket().state()).isEqualTo(State.INIT);
    }
}

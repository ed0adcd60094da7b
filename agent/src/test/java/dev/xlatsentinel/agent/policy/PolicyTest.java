package dev.xlatsentinel.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyTest {
    private static final long S = 1_000_000_000L;
    private static final DampingSettings HOLD_5S_NO_PENALTY = new DampingSettings(Duration.ofSeconds(5), 0, 1, 0.5,
            Duration.ofSeconds(60), Duration.ZERO);

    private Policy policy;
    private long now = 1_000 * S;

    @BeforeEach
    void twoInstancesThreeServices() {
        policy = new Policy(HOLD_5S_NO_PENALTY);
        policy.define(List.of("lower", "upper"),
                Map.of("svc-lower", List.of("lower"), "svc-upper", List.of("upper"), "svc-both",
                        List.of("lower", "upper")), now);
    }

    @Test
    void everyServiceStartsWithdrawnUntilItsInstancesAreUp() {
        assertThat(policy.evaluate(now)).hasSize(3).allMatch(Verdict::withdraw)
                .anyMatch(v -> v.reason().equals("instance lower STARTING (not probed yet)"));
        assertThat(policy.evaluate(now)).isEmpty();
        policy.health("lower", Health.UP, "rise 3/3", now);
        // svc-both stays withdrawn, now for the other instance: a new reason is a new verdict (and log line).
        assertThat(policy.evaluate(now)).containsExactlyInAnyOrder(new Verdict("svc-lower", false, "all of lower UP"),
                new Verdict("svc-both", true, "instance upper STARTING (not probed yet)"));
    }

    @Test
    void downInstanceWithdrawsEveryServiceThatDependsOnItAndNoOther() {
        allUp();
        policy.health("upper", Health.DOWN, "icmp: 3/3 targets timed out", now);
        List<Verdict> v = policy.evaluate(now);
        assertThat(v).extracting(Verdict::service).containsExactlyInAnyOrder("svc-upper", "svc-both");
        assertThat(v).allMatch(Verdict::withdraw);
        assertThat(policy.verdict("svc-upper").reason()).isEqualTo(
                "instance upper DOWN (icmp: 3/3 targets timed out)");
        assertThat(policy.withdrawn("svc-lower")).isFalse();
    }

    @Test
    void aRecoveredInstanceIsReleasedOnlyAfterTheMinimumHold() {
        allUp();
        policy.health("lower", Health.DOWN, "tayga: process gone", now);
        policy.evaluate(now);
        now += 1 * S;
        policy.health("lower", Health.UP, "rise 3/3", now);
        assertThat(policy.evaluate(now)).extracting(Verdict::reason)
                .containsOnly("min-hold 5s after withdrawal");
        assertThat(policy.nextReconsideration(now)).isEqualTo(now + 4 * S);
        now += 4 * S - 1;
        assertThat(policy.evaluate(now)).isEmpty();
        now += 1;
        assertThat(policy.evaluate(now)).extracting(Verdict::withdraw).containsOnly(false);
        assertThat(policy.nextReconsideration(now)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void drainWithdrawsAtOnceAndUndrainReleasesWithoutHold() {
        allUp();
        policy.drain("lower", "kernel upgrade");
        assertThat(policy.evaluate(now)).extracting(Verdict::service, Verdict::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("svc-lower", "instance lower drained: kernel upgrade"),
                org.assertj.core.groups.Tuple.tuple("svc-both", "instance lower drained: kernel upgrade"));
        policy.undrain("lower");
        assertThat(policy.evaluate(now)).extracting(Verdict::withdraw).containsOnly(false).hasSize(2);
    }

    @Test
    void drainAllAndMaintenanceFileWithdrawEverythingUntilBothAreLifted() {
        allUp();
        policy.drain(null, "site move");
        policy.maintenance("/etc/xlat-sentinel/maintenance");
        assertThat(policy.evaluate(now)).hasSize(3).allMatch(Verdict::withdraw);
        policy.undrain(null);
        assertThat(policy.evaluate(now)).extracting(Verdict::reason)
                .containsOnly("maintenance file /etc/xlat-sentinel/maintenance exists");
        policy.maintenance(null);
        assertThat(policy.evaluate(now)).hasSize(3).noneMatch(Verdict::withdraw);
    }

    @Test
    void aFlappingInstanceIsSuppressedUntilItsPenaltyDecays() {
        policy = new Policy(new DampingSettings(Duration.ZERO, 1000, 2500, 750, Duration.ofSeconds(60),
                Duration.ofMinutes(10)));
        policy.define(List.of("lower"), Map.of("svc", List.of("lower")), now);
        for (int flap = 0; flap < 3; flap++) {
            policy.health("lower", Health.UP, "rise", now);
            policy.evaluate(now);
            policy.health("lower", Health.DOWN, "fall", now);
            policy.evaluate(now);
            now += 1 * S;
        }
        policy.health("lower", Health.UP, "rise", now);
        policy.evaluate(now);
        assertThat(policy.withdrawn("svc")).isTrue();
        assertThat(policy.verdict("svc").reason()).startsWith("instance lower suppressed by flap damping");
        long until = policy.nextReconsideration(now);
        // about 2935 decays to 750 in log2(2935/750) = 1.97 half-lives of 60 s.
        assertThat(Duration.ofNanos(until - now)).isBetween(Duration.ofSeconds(115), Duration.ofSeconds(120));
        assertThat(policy.evaluate(until - S)).isEmpty();
        assertThat(policy.evaluate(until)).extracting(Verdict::withdraw).containsExactly(false);
    }

    @Test
    void suppressionNeverOutlastsMaxSuppress() {
        DampingSettings d = new DampingSettings(Duration.ZERO, 1000, 2000, 750, Duration.ofSeconds(60),
                Duration.ofMinutes(3));
        FlapDamping f = new FlapDamping(d, now);
        for (int i = 0; i < 50; i++) {
            f.flap(now);
        }
        assertThat(f.figure(now)).isEqualTo(d.ceiling());
        assertThat(Duration.ofNanos(f.suppressedUntil(now) - now)).isLessThanOrEqualTo(Duration.ofMinutes(3)
                .plusMillis(1));
    }

    @Test
    void reloadKeepsTheStateOfServicesThatStay() {
        allUp();
        policy.define(List.of("lower", "upper", "siit"),
                Map.of("svc-lower", List.of("lower"), "svc-siit", List.of("siit")), now);
        assertThat(policy.withdrawn("svc-lower")).isFalse();
        assertThat(policy.withdrawn("svc-siit")).isTrue();
        assertThatThrownBy(() -> policy.verdict("svc-both")).hasMessage("unknown service svc-both");
        assertThatThrownBy(() -> policy.define(List.of("lower"), Map.of("x", List.of("nope")), now))
                .hasMessage("service x depends on unknown instance nope");
    }

    private void allUp() {
        policy.health("lower", Health.UP, "rise 3/3", now);
        policy.health("upper", Health.UP, "rise 3/3", now);
        policy.evaluate(now);
        assertThat(List.of("svc-lower", "svc-upper", "svc-both")).noneMatch(policy::withdrawn);
    }
}

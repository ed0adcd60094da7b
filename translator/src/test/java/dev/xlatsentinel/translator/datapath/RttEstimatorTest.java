package dev.xlatsentinel.translator.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 6298 §2 arithmetic, and the floor and ceiling around it. */
class RttEstimatorTest {
    private static final Duration FLOOR = Duration.ofMillis(5);
    private static final Duration CEILING = Duration.ofMillis(50);

    @Test
    void beforeAnySampleTheDeadlineIsTheFloor() {
        assertThat(new RttEstimator().deadline(FLOOR, CEILING)).isEqualTo(FLOOR);
        assertThat(new RttEstimator().smoothed()).isNull();
    }

    @Test
    void firstSampleSetsSrttAndHalfOfItAsVariationThenAlphaAndBeta() {
        RttEstimator e = new RttEstimator();
        e.sample(Duration.ofMillis(8)); // §2.2: SRTT 8, RTTVAR 4, RTO 8 + 16 = 24
        assertThat(e.smoothed()).isEqualTo(Duration.ofMillis(8));
        assertThat(e.variation()).isEqualTo(Duration.ofMillis(4));
        assertThat(e.deadline(FLOOR, CEILING)).isEqualTo(Duration.ofMillis(24));
        e.sample(Duration.ofMillis(16)); // §2.3: RTTVAR 3/4*4 + 1/4*|8-16| = 5; SRTT 7/8*8 + 1/8*16 = 9
        assertThat(e.variation()).isEqualTo(Duration.ofMillis(5));
        assertThat(e.smoothed()).isEqualTo(Duration.ofMillis(9));
        assertThat(e.deadline(FLOOR, CEILING)).isEqualTo(Duration.ofMillis(29));
    }

    @Test
    void aSaturatedPathRaisesTheDeadlineToTheCeilingAndAnIdleOneBringsItBackToTheFloor() {
        RttEstimator e = new RttEstimator();
        for (int i = 0; i < 20; i++) {
            e.sample(Duration.ofMillis(i % 2 == 0 ? 10 : 90));
        }
        assertThat(e.deadline(FLOOR, CEILING)).isEqualTo(CEILING);
        for (int i = 0; i < 100; i++) {
            e.sample(Duration.ofNanos(200_000));
        }
        assertThat(e.deadline(FLOOR, CEILING)).isEqualTo(FLOOR);
    }
}

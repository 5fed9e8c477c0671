package dev.relay.task.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class DeltaPacingTest {

    private static final long FIFTY_MS = TimeUnit.MILLISECONDS.toNanos(50);

    @Test
    void fewRunsWriteAtTheShortestIntervalAndMoreRunsShareTheRate() {
        DeltaPacing pacing = new DeltaPacing(FIFTY_MS, TimeUnit.SECONDS.toNanos(10), 200);
        assertThat(pacing.intervalNanos()).isEqualTo(FIFTY_MS);

        List<Runnable> runs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            runs.add(pacing.begin());
        }
        assertThat(pacing.intervalNanos()).as("10 runs at 50 ms write 200 deltas a second: the bound").isEqualTo(FIFTY_MS);

        for (int i = 0; i < 990; i++) {
            runs.add(pacing.begin());
        }
        assertThat(pacing.intervalNanos()).as("1 000 runs share 200 deltas a second: one each 5 s")
                .isEqualTo(TimeUnit.SECONDS.toNanos(5));

        runs.forEach(Runnable::run);
        assertThat(pacing.intervalNanos()).isEqualTo(FIFTY_MS);
    }

    @Test
    void noRunHoldsItsTextLongerThanTheLongestInterval() {
        DeltaPacing pacing = new DeltaPacing(FIFTY_MS, TimeUnit.SECONDS.toNanos(1), 200);
        for (int i = 0; i < 100_000; i++) {
            pacing.begin();
        }
        assertThat(pacing.intervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aRunThatSaysTwiceItStoppedCountsOnce() {
        DeltaPacing pacing = new DeltaPacing(FIFTY_MS, TimeUnit.SECONDS.toNanos(10), 1);
        Runnable first = pacing.begin();
        Runnable second = pacing.begin();
        first.run();
        first.run();
        assertThat(pacing.intervalNanos()).as("one run still writing").isEqualTo(TimeUnit.SECONDS.toNanos(1));
        second.run();
        assertThat(pacing.intervalNanos()).isEqualTo(FIFTY_MS);
    }

    @Test
    void aRateBelowOneIsRefused() {
        assertThatThrownBy(() -> new DeltaPacing(FIFTY_MS, TimeUnit.SECONDS.toNanos(10), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-deltas-per-second");
    }
}

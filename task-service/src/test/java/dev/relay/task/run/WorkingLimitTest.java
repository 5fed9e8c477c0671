package dev.relay.task.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class WorkingLimitTest {

    private static final long TARGET = TimeUnit.MILLISECONDS.toNanos(50);

    private static DeltaPacing working(int runs) {
        DeltaPacing pacing = new DeltaPacing(TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.SECONDS.toNanos(1), 200);
        for (int i = 0; i < runs; i++) {
            pacing.begin();
        }
        return pacing;
    }

    /** The steps' clock. */
    private long now = System.nanoTime();

    /** Windows of 100 ms to 1 s, as the service's (its first step only opens the first window). */
    private WorkingLimit limit(int min, int max, DeltaPacing working) {
        WorkingLimit limit = new WorkingLimit(min, max, TARGET, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(1), working);
        limit.stepTook(now - TimeUnit.MILLISECONDS.toNanos(1), now);
        return limit;
    }

    /** Ten steps (a window: the last one ends past its longest length) that each took {@code millis}. */
    private void window(WorkingLimit limit, long millis) {
        for (int i = 0; i < 10; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(i < 9 ? 1 : 1_100);
            limit.stepTook(now - TimeUnit.MILLISECONDS.toNanos(millis), now);
        }
    }

    /** {@code count} windows of steps that each took {@code millis}. */
    private void windows(WorkingLimit limit, int count, long millis) {
        for (int i = 0; i < count; i++) {
            window(limit, millis);
        }
    }

    @Test
    void aSlowWindowTakesATenthOffDownToTheFewest() {
        WorkingLimit limit = limit(8, 512, working(32));
        assertThat(limit.current()).isEqualTo(32);

        window(limit, 200);
        assertThat(limit.current()).isEqualTo(28);
        windows(limit, 50, 200);
        assertThat(limit.current()).isEqualTo(8);
    }

    @Test
    void aFastWindowAddsOneWhileHalfTheLimitWorksUpToTheMost() {
        WorkingLimit busy = limit(8, 40, working(20));
        windows(busy, 5, 1);
        assertThat(busy.current()).isEqualTo(37);
        windows(busy, 50, 1);
        assertThat(busy.current()).isEqualTo(40);

        // a limit nobody uses does not grow: it would mean nothing when the runs come
        WorkingLimit idle = limit(8, 512, working(3));
        windows(idle, 50, 1);
        assertThat(idle.current()).isEqualTo(32);
    }

    @Test
    void aWindowWithAFailedStepCountsAsSlow() {
        WorkingLimit limit = limit(8, 512, working(32));
        for (int i = 0; i < 9; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(1);
            limit.stepTook(now - TimeUnit.MILLISECONDS.toNanos(1), now);
        }
        now += TimeUnit.MILLISECONDS.toNanos(1_100);
        limit.stepFailed(now - TimeUnit.MILLISECONDS.toNanos(1), now);
        assertThat(limit.current()).isEqualTo(28);
    }

    @Test
    void aMostUnderTheFewestIsAFixedLimit() {
        assertThatThrownBy(() -> limit(0, 512, working(0))).isInstanceOf(IllegalArgumentException.class);
        WorkingLimit fixed = limit(16, 8, working(8));
        windows(fixed, 5, 1);
        window(fixed, 200);
        assertThat(fixed.current()).isEqualTo(8);
        assertThat(limit(4, 4, working(0)).current()).isEqualTo(4);
    }
}

package dev.relay.schedule.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import dev.relay.common.api.WireValue;

/**
 * What a firing becomes while the schedule's previous firing has not finished (its run is still going). The task
 * service never runs two runs of one task at once, so {@link #ALLOW} queues rather than overlaps.
 */
public enum Overlap implements WireValue {
    /** Recorded as a skipped execution (the default). */
    SKIP,
    /** Kept until the running one ends, then started; while one is kept, further firings are skipped. */
    BUFFER_ONE,
    /** Every firing kept, started one after another. */
    ALLOW;

    @Override
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Overlap> of(String value) {
        return Arrays.stream(values()).filter(overlap -> overlap.value().equals(value)).findFirst();
    }
}

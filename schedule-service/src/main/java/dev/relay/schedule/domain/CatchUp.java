package dev.relay.schedule.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import dev.relay.common.api.WireValue;

/** What a due time that no replica ran over becomes, once one runs again. */
public enum CatchUp implements WireValue {
    /** Recorded as a skipped execution; the schedule goes on at its next due time (the default). */
    SKIP,
    /** Fired once, now, however many due times were missed. */
    RUN_ONCE;

    @Override
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CatchUp of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public static Optional<CatchUp> parse(String value) {
        return Arrays.stream(values()).filter(catchUp -> catchUp.value().equals(value)).findFirst();
    }
}

package dev.relay.schedule.domain;

import java.util.Locale;

/** What a due time that no replica ran over becomes, once one runs again. */
public enum CatchUp {
    /** Recorded as a skipped execution; the schedule goes on at its next due time (the default). */
    SKIP,
    /** Fired once, now, however many due times were missed. */
    RUN_ONCE;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CatchUp of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}

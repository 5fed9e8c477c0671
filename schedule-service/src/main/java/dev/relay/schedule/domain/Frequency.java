package dev.relay.schedule.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How often a recurring schedule fires (the seeds' {@code scan_frequency}). */
public enum Frequency {
    HOURLY, DAILY, WEEKLY, MONTHLY;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Frequency> of(String value) {
        return Arrays.stream(values()).filter(frequency -> frequency.value().equals(value)).findFirst();
    }
}

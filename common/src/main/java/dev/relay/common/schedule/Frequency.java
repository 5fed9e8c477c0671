package dev.relay.common.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import dev.relay.common.api.WireValue;

/** How often a recurring schedule fires (the seeds' {@code scan_frequency}). */
public enum Frequency implements WireValue {
    HOURLY, DAILY, WEEKLY, MONTHLY;

    @Override
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Frequency> of(String value) {
        return Arrays.stream(values()).filter(frequency -> frequency.value().equals(value)).findFirst();
    }
}

package dev.relay.billing.domain;

import java.util.Locale;

import dev.relay.common.api.WireValue;

/** The kind of window a budget applies (the seeds' {@code windowKind}). */
public enum WindowKind implements WireValue {
    TRIAL, INDIVIDUAL;

    @Override
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WindowKind of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}

package dev.relay.billing.domain;

import java.util.Locale;

import dev.relay.common.api.WireValue;

/** What usage is summed by. */
public enum GroupBy implements WireValue {
    DAY, MODEL, USER, PROJECT, TASK;

    @Override
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}

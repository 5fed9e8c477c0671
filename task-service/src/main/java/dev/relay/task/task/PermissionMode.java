package dev.relay.task.task;

import dev.relay.common.api.WireValue;

/** What a task's runs may do: everything their tools allow ({@code default}) or only read ({@code read-only}). */
public enum PermissionMode implements WireValue {
    DEFAULT("default"), READ_ONLY("read-only");

    private final String value;

    PermissionMode(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }
}

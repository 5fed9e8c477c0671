package dev.relay.task.task;

import dev.relay.common.api.WireValue;

/** Whether a task's runs ask the user before they act: always ({@code manual}), for sensitive actions only, or never. */
public enum ApprovalMode implements WireValue {
    MANUAL("manual"), AUTO("auto"), BALANCED("balanced");

    private final String value;

    ApprovalMode(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }
}

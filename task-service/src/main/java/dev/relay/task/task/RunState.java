package dev.relay.task.task;

import dev.relay.common.api.WireValue;

/** Whether a task has a run pending or active ({@code running}) or not ({@code idle}). */
public enum RunState implements WireValue {
    IDLE("idle"), RUNNING("running");

    private final String value;

    RunState(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }
}

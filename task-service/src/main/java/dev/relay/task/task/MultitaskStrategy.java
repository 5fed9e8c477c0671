package dev.relay.task.task;

import java.util.Arrays;
import java.util.Locale;

import dev.relay.common.error.ApiException;

/** What a message sent while the task's run works does. */
public enum MultitaskStrategy {
    /** Refused: 409 {@code task_busy} (the default). */
    REJECT,
    /** Waits for the working run (and messages queued before it) to end, then starts its own run. */
    ENQUEUE,
    /** Stops the working run at once (what it did is kept), then starts its own run with the whole conversation. */
    INTERRUPT,
    /** Joins the working run: its agent takes the message in before its next model call; no new run. */
    STEER;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The strategy {@code value} names (null: {@link #REJECT}); 400 naming {@code field} for anything else. */
    public static MultitaskStrategy of(String field, String value) {
        if (value == null) {
            return REJECT;
        }
        return Arrays.stream(values()).filter(strategy -> strategy.value().equals(value)).findFirst()
                .orElseThrow(() -> ApiException.invalidRequest("field '" + field + "' must be one of reject, enqueue, interrupt, steer, got '"
                        + value + "'"));
    }
}

package dev.relay.task.domain;

import java.util.Arrays;
import java.util.Locale;

/** Who may read a task: its creator ({@code private}), its organization ({@code team}) or anyone with the id. */
public enum Visibility {
    PUBLIC, PRIVATE, UNLISTED, TEAM;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Visibility of(String value) {
        return Arrays.stream(values()).filter(v -> v.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown visibility " + value));
    }
}

package dev.relay.common.auth;

import java.util.Arrays;
import java.util.Locale;

/**
 * Who may read a task: anyone with its id ({@code public}, {@code unlisted}), its organization ({@code team}), or
 * its creator ({@code private}), unless the creator shared it with the organization. The task service decides
 * with it who sees a task, the stream service who may read its stream.
 */
public enum Visibility {
    PUBLIC, PRIVATE, UNLISTED, TEAM;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Visibility of(String value) {
        return Arrays.stream(values()).filter(v -> v.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown visibility " + value));
    }

    /** Whether a viewer (organization and email) may read a task of {@code org} created by {@code creator}. */
    public boolean lets(String viewerOrg, String viewerEmail, String org, String creator, boolean shared) {
        return switch (this) {
            case PUBLIC, UNLISTED -> true;
            case TEAM -> org.equals(viewerOrg);
            case PRIVATE -> org.equals(viewerOrg) && (shared || creator.equals(viewerEmail));
        };
    }
}

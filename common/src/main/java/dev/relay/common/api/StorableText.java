package dev.relay.common.api;

/**
 * Text PostgreSQL can store: no NUL character (a {@code text} or {@code jsonb} value cannot hold one) and no lone
 * UTF-16 surrogate (it has no UTF-8 encoding; the driver would silently turn it into '?').
 */
public final class StorableText {

    private StorableText() {
    }

    /** Why {@code value} cannot be stored, or null when it can. */
    public static String problem(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return "contains a NUL character";
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate";
            }
        }
        return null;
    }
}

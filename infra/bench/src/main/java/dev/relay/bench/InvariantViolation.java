package dev.relay.bench;

/**
 * A benchmark's own check failed (an event lost or doubled, a stream refused, a schedule fired twice): the run is
 * broken, so it prints no figures and its command exits non-zero with this message.
 */
final class InvariantViolation extends RuntimeException {

    InvariantViolation(String message) {
        super(message);
    }

    /** Throws unless {@code holds}, with the message formatted from {@code format} and {@code args}. */
    static void check(boolean holds, String format, Object... args) {
        if (!holds) {
            throw new InvariantViolation(String.format(format, args));
        }
    }
}

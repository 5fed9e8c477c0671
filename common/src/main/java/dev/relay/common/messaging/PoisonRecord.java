package dev.relay.common.messaging;

/**
 * A record that can never be processed (it is not what the topic's contract says): it is not retried but put on its
 * consumer's dead-letter topic, as every failure {@link Failures} finds permanent; the others are retried.
 */
public class PoisonRecord extends RuntimeException {

    public PoisonRecord(String message, Throwable cause) {
        super(message, cause);
    }
}

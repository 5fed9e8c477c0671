package dev.relay.common.messaging;

/**
 * A record that can never be processed (it is not what the topic's contract says): the consumer gives it to the
 * channel's dead-letter topic instead of retrying it. Every other failure is retried until it succeeds.
 */
public class PoisonRecord extends RuntimeException {

    public PoisonRecord(String message, Throwable cause) {
        super(message, cause);
    }
}

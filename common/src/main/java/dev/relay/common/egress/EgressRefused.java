package dev.relay.common.egress;

/**
 * A destination the egress policy does not let a connection reach. Its message is the same whatever the reason, so
 * a refusal tells nothing about the network behind it; no socket was opened.
 */
public final class EgressRefused extends Exception {

    /** The one answer a refused destination gets. */
    public static final String MESSAGE = "destination not allowed by the egress policy";

    public EgressRefused() {
        super(MESSAGE, null, false, false);
    }
}

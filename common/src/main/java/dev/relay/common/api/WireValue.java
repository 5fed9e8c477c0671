package dev.relay.common.api;

/** An enum whose constants travel as fixed strings ({@link #value()}), e.g. {@code read-only}. */
public interface WireValue {

    String value();
}

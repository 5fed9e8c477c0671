package dev.relay.task.task;

/**
 * An Idempotency-Key and the fingerprint of the request that came with it ({@code RequestFingerprint}); a retry
 * with the same key must have the same fingerprint.
 */
public record IdempotentRequest(String key, String fingerprint) {
}

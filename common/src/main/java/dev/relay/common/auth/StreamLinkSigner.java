package dev.relay.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the short-lived links to one stream's content that the task service hands out in task details
 * ({@code streamUrls}) and the stream service serves without a token: HMAC-SHA256 of the stream id and the expiry,
 * with a secret both services are configured with.
 */
public final class StreamLinkSigner {

    /** Where the stream service serves a stream's content; {@code %s} is the stream id. */
    public static final String PATH = "/api/v1/streams/%s/content";

    private final SecretKeySpec key;

    public StreamLinkSigner(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the stream link secret must have at least 16 characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The path and query of a link to {@code streamId}'s content that works until {@code expires}. */
    public String link(UUID streamId, Instant expires) {
        long at = expires.getEpochSecond();
        return String.format(PATH, streamId) + "?expires=" + at + "&signature=" + signature(streamId, at);
    }

    /** True when {@code signature} was made for this stream and expiry, and the expiry has not passed. */
    public boolean isValid(UUID streamId, long expires, String signature, Instant now) {
        if (signature == null || now.getEpochSecond() > expires) {
            return false;
        }
        return MessageDigest.isEqual(signature(streamId, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(UUID streamId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((streamId + "|" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}

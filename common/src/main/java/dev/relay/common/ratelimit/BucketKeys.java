package dev.relay.common.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names of buckets: the operation class and a SHA-256 of the organization (and user, lower-cased), so a key has one
 * short length whatever a token's claims hold, and no two callers share one.
 */
final class BucketKeys {

    private BucketKeys() {
    }

    static String user(OperationClass operation, String org, String user) {
        return "user:" + operation.name().toLowerCase(Locale.ROOT) + ":"
                + sha256(org.length() + ":" + org + ":" + user.toLowerCase(Locale.ROOT));
    }

    static String org(OperationClass operation, String org) {
        return "org:" + operation.name().toLowerCase(Locale.ROOT) + ":" + sha256(org);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

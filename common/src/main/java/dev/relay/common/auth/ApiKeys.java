package dev.relay.common.auth;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Neo API keys ({@value #PREFIX}…, sent as {@value #HEADER}): 256 random bits, of which services store only the
 * SHA-256 hash. A key this random needs no salt or slow hash: nobody can guess one from its hash.
 */
public final class ApiKeys {

    public static final String HEADER = "X-Api-Key";
    public static final String PREFIX = "neo_sk_";
    /** A key's scope: it may only read (GET, HEAD), or read and write. */
    public static final String READ = "read";
    public static final String READ_WRITE = "read_write";
    /** How many characters of a key are kept in clear to tell keys apart in lists. */
    public static final int SHOWN_CHARACTERS = PREFIX.length() + 6;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static boolean looksLikeKey(String value) {
        return value != null && value.startsWith(PREFIX) && value.length() > PREFIX.length();
    }

    public static String hash(String key) {
        return Hashes.sha256Hex(key);
    }
}

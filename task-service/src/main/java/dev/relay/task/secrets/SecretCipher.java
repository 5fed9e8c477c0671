package dev.relay.task.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.error.ApiException;

/**
 * Seals secret values with AES-256-GCM (the JDK's): a fresh 12-byte nonce per value, the organization and name as
 * associated data, so a sealed value only opens as the secret it was written as. A key ring: values are sealed with
 * the current key ({@code relay.secrets.key}, stored with its id) and opened with the key of the id stored with them,
 * the current one or one of {@code relay.secrets.old-keys}.
 */
@ApplicationScoped
public class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Optional<SecretKey> key;
    private final String keyId;
    private final Map<String, SecretKey> ring = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(SecretsConfig config) {
        this.keyId = config.keyId();
        this.key = config.key().map(encoded -> aesKey("relay.secrets.key", encoded));
        config.oldKeys().forEach((id, encoded) -> ring.put(id, aesKey("relay.secrets.old-keys.\"" + id + "\"", encoded)));
        key.ifPresent(current -> ring.put(keyId, current));
    }

    private static SecretKey aesKey(String property, String encoded) {
        byte[] bytes = Base64.getDecoder().decode(encoded.strip());
        if (bytes.length != 32) {
            throw new IllegalStateException(property + " must be 32 bytes, base64 (openssl rand -base64 32)");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** The id of the current key, stored with every value it seals. */
    public String keyId() {
        return keyId;
    }

    /** The ids of the keys this instance can open values with: the current one and the old ones of the ring. */
    public java.util.Set<String> keyIds() {
        return java.util.Set.copyOf(ring.keySet());
    }

    /** Whether values can be sealed here (a current key is configured). */
    public boolean configured() {
        return key.isPresent();
    }

    /** {@code value} sealed with the current key (store {@link #keyId()} with it). */
    public byte[] seal(String org, String name, String value) {
        SecretKey current = key.orElseThrow(() -> new ApiException(503, "unavailable", "service unavailable",
                "the secrets store is not configured here (relay.secrets.key)"));
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = run(current, Cipher.ENCRYPT_MODE, nonce, org, name, value.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    }

    /** The value {@code sealed} holds, opened with the key of {@code sealedWith}, the id stored with it. */
    public String open(String org, String name, byte[] sealed, String sealedWith) {
        SecretKey ringKey = ring.get(sealedWith);
        if (ringKey == null) {
            throw new ApiException(503, "unavailable", "service unavailable", key.isEmpty()
                    ? "the secrets store is not configured here (relay.secrets.key)"
                    : "a secret is sealed with key '" + sealedWith + "', which is not configured (relay.secrets.old-keys)");
        }
        byte[] nonce = java.util.Arrays.copyOf(sealed, NONCE_BYTES);
        byte[] body = java.util.Arrays.copyOfRange(sealed, NONCE_BYTES, sealed.length);
        return new String(run(ringKey, Cipher.DECRYPT_MODE, nonce, org, name, body), StandardCharsets.UTF_8);
    }

    private static byte[] run(SecretKey secretKey, int mode, byte[] nonce, String org, String name, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, secretKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD((org + "/" + name).getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a secret of " + org + " could not be " + (mode == Cipher.ENCRYPT_MODE ? "sealed" : "opened"), e);
        }
    }
}

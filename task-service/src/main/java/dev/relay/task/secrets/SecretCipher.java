package dev.relay.task.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.error.ApiException;

/**
 * Seals secret values with AES-256-GCM (the JDK's): a fresh 12-byte nonce per value, the organization and name as
 * associated data, so a sealed value only opens as the secret it was written as.
 */
@ApplicationScoped
public class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Optional<SecretKey> key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(SecretsConfig config) {
        this.keyId = config.keyId();
        this.key = config.key().map(encoded -> {
            byte[] bytes = Base64.getDecoder().decode(encoded.strip());
            if (bytes.length != 32) {
                throw new IllegalStateException("relay.secrets.key must be 32 bytes, base64 (openssl rand -base64 32)");
            }
            return new SecretKeySpec(bytes, "AES");
        });
    }

    public String keyId() {
        return keyId;
    }

    public byte[] seal(String org, String name, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, org, name, value.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    }

    public String open(String org, String name, byte[] sealed) {
        byte[] nonce = java.util.Arrays.copyOf(sealed, NONCE_BYTES);
        byte[] body = java.util.Arrays.copyOfRange(sealed, NONCE_BYTES, sealed.length);
        return new String(run(Cipher.DECRYPT_MODE, nonce, org, name, body), StandardCharsets.UTF_8);
    }

    private byte[] run(int mode, byte[] nonce, String org, String name, byte[] input) {
        SecretKey secretKey = key.orElseThrow(() -> new ApiException(503, "unavailable", "service unavailable",
                "the secrets store is not configured here (relay.secrets.key)"));
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

package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;

/** An RSA key pair generated per JVM (never committed) and bearer tokens signed with it. */
public final class TestTokens {

    public static final String ISSUER = "https://relay.dev/test";

    private static KeyPair keys;
    private static Path publicKeyFile;

    private TestTokens() {
    }

    /** A token for {@code email} in {@code org}, valid for an hour. */
    public static String bearer(String org, String email) {
        return "Bearer " + token(org, email);
    }

    public static String token(String org, String email) {
        return Jwt.issuer(ISSUER)
                .upn(email)
                .subject(email)
                .groups(Set.of("user"))
                .claim("org", org)
                .expiresIn(Duration.ofHours(1))
                .sign(keys().getPrivate());
    }

    /** The PEM file services verify tokens with ({@code mp.jwt.verify.publickey.location}). */
    public static synchronized Path publicKeyFile() {
        if (publicKeyFile == null) {
            try {
                publicKeyFile = Files.createTempFile("relay-jwt-", ".pem");
                publicKeyFile.toFile().deleteOnExit();
                String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys().getPublic().getEncoded());
                Files.writeString(publicKeyFile, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return publicKeyFile;
    }

    private static synchronized KeyPair keys() {
        if (keys == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                keys = generator.generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return keys;
    }
}

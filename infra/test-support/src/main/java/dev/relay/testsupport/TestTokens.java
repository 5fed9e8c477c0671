package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.jwt.build.Jwt;

/**
 * An RSA key pair generated per JVM (never committed) and bearer tokens signed with it; and the forged, expired and
 * malformed tokens an attacker would try, which every service must refuse with a 401.
 */
public final class TestTokens {

    public static final String ISSUER = "https://relay.dev/test";
    /** The services' default {@code mp.jwt.verify.audiences}. */
    public static final String AUDIENCE = "relay";

    private static final ObjectMapper JSON = new ObjectMapper();
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
                .audience(AUDIENCE)
                .upn(email)
                .subject(email)
                .groups(Set.of("user"))
                .claim("org", org)
                .expiresIn(Duration.ofHours(1))
                .sign(keys().getPrivate());
    }

    /** A token for {@code email}, an admin of {@code org} ({@code groups} holds admin), valid for an hour. */
    public static String adminToken(String org, String email) {
        Map<String, Object> claims = claims(org, email);
        claims.put("groups", List.of("user", "admin"));
        return signed(claims);
    }

    public static String adminBearer(String org, String email) {
        return "Bearer " + adminToken(org, email);
    }

    /** The claims of a valid token for {@code email} in {@code org}, to change before {@link #signed} or a forgery. */
    public static Map<String, Object> claims(String org, String email) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", email);
        claims.put("upn", email);
        claims.put("groups", List.of("user"));
        claims.put("org", org);
        claims.put("iat", now);
        claims.put("exp", now + 3600);
        return claims;
    }

    /** A token with exactly {@code claims}, signed with the key the services trust (RS256). */
    public static String signed(Map<String, Object> claims) {
        return Jwt.claims(claims).sign(keys().getPrivate());
    }

    /** A token that expired {@code ago} before now, otherwise valid. */
    public static String expired(String org, String email, Duration ago) {
        Map<String, Object> claims = claims(org, email);
        long exp = Instant.now().minus(ago).getEpochSecond();
        claims.put("iat", exp - 3600);
        claims.put("exp", exp);
        return signed(claims);
    }

    /** A valid token's claims with no signature at all ({@code alg: none}). */
    public static String unsigned(String org, String email) {
        return encode(Map.of("alg", "none", "typ", "JWT"), claims(org, email)) + ".";
    }

    /** A token signed with HMAC-SHA256 keyed by the services' public key (the RS256/HS256 confusion attack). */
    public static String hs256WithPublicKey(String org, String email) {
        String content = encode(Map.of("alg", "HS256", "typ", "JWT"), claims(org, email));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Files.readAllBytes(publicKeyFile()), "HmacSHA256"));
            return content + "." + base64Url(mac.doFinal(content.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid token in every way but its issuer. */
    public static String wrongIssuer(String org, String email) {
        Map<String, Object> claims = claims(org, email);
        claims.put("iss", "https://attacker.example");
        return signed(claims);
    }

    /** A valid token in every way but its audience: the issuer's token for another application. */
    public static String wrongAudience(String org, String email) {
        Map<String, Object> claims = claims(org, email);
        claims.put("aud", "another-application");
        return signed(claims);
    }

    /** A token signed by a key nobody trusts. */
    public static String foreignKey(String org, String email) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return Jwt.claims(claims(org, email)).sign(generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    private static String encode(Map<String, Object> header, Map<String, Object> claims) {
        try {
            return base64Url(JSON.writeValueAsBytes(header)) + "." + base64Url(JSON.writeValueAsBytes(claims));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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

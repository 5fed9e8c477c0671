package dev.relay.common.startup;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Settings a production service refuses to start with: the database's default superuser with no or a default password
 * anywhere but on this machine's loopback or a Unix socket (where PostgreSQL's trust authentication is a local choice), and a stream-link
 * secret anyone could guess (short, few distinct characters, or one of the values the repository itself ships).
 */
public final class UnsafeSettings {

    static final int MIN_LINK_SECRET_LENGTH = 32;
    static final int MIN_DISTINCT_CHARACTERS = 10;
    private static final Set<String> DEFAULT_USERS = Set.of("postgres");
    private static final Set<String> DEFAULT_PASSWORDS = Set.of("", "postgres", "password", "relay", "changeme", "secret");

    private UnsafeSettings() {
    }

    /** What is wrong, one sentence each; empty when the settings are fit for production. */
    public static List<String> of(String dbUser, Optional<String> dbPassword, List<String> dbUrls, Optional<String> linkSecret) {
        List<String> problems = new ArrayList<>();
        String password = dbPassword.orElse("");
        // no password alone is not refused: client certificates, .pgpass and credentials providers put none in the config
        boolean defaultCredentials = DEFAULT_USERS.contains(dbUser.toLowerCase(java.util.Locale.ROOT))
                && DEFAULT_PASSWORDS.contains(password.toLowerCase(java.util.Locale.ROOT));
        if (defaultCredentials && !dbUrls.stream().allMatch(UnsafeSettings::isLoopback)) {
            problems.add("the database is reached as '" + dbUser + "' with " + (password.isEmpty() ? "no password" : "a default password")
                    + " (RELAY_DB_USER, RELAY_DB_PASSWORD): give each service its own user and a generated password");
        }
        linkSecret.filter(UnsafeSettings::isWeak).ifPresent(weak -> problems.add("the stream-link secret (RELAY_STREAM_LINK_SECRET) is "
                + "weak: it needs at least " + MIN_LINK_SECRET_LENGTH + " characters of which " + MIN_DISTINCT_CHARACTERS
                + " distinct, and not a value from Relay's repository (e.g. openssl rand -hex 32)"));
        return problems;
    }

    static boolean isWeak(String secret) {
        return secret.length() < MIN_LINK_SECRET_LENGTH
                || secret.chars().distinct().count() < MIN_DISTINCT_CHARACTERS
                || secret.startsWith("relay-dev-") || secret.startsWith("relay-test-") || secret.toLowerCase().contains("changeme");
    }

    /** Whether a JDBC or reactive PostgreSQL URL names this machine's loopback (127.0.0.0/8, ::1, localhost). */
    static boolean isLoopback(String url) {
        String hostPart = url.startsWith("jdbc:") ? url.substring(5) : url;
        try {
            URI uri = URI.create(hostPart);
            String host = uri.getHost();
            if (host == null) {
                // postgresql:///relay?host=/var/run/postgresql: a Unix socket of this machine
                return uri.getRawAuthority() == null && uri.getRawQuery() != null && uri.getRawQuery().contains("host=/");
            }
            host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return host.equals("localhost") || host.matches("127(\\.[0-9]{1,3}){3}") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
        } catch (IllegalArgumentException unparsable) {
            return false;
        }
    }
}

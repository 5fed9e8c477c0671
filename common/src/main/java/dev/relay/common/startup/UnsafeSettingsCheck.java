package dev.relay.common.startup;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/** A production start with {@link UnsafeSettings} stops with the reasons, before the service takes any request. */
@ApplicationScoped
public class UnsafeSettingsCheck {

    void refuseUnsafeSettings(@Observes StartupEvent start,
            @ConfigProperty(name = "quarkus.datasource.username") String dbUser,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> dbPassword,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String reactiveUrl,
            @ConfigProperty(name = "relay.stream-links.secret") Optional<String> linkSecret) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return; // dev and test profiles run with the repository's own values on purpose
        }
        List<String> problems = UnsafeSettings.of(dbUser, dbPassword, List.of(jdbcUrl, reactiveUrl), linkSecret);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing to start with unsafe settings: " + String.join("; ", problems));
        }
    }
}

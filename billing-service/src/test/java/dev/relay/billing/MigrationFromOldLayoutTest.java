package dev.relay.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.relay.common.auth.ApiKeys;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A schema migrated before common owned the {@code api_key} copy table (billing's own {@code V2__api_keys}, kept
 * as it was under test resources) still starts the service: its history keeps that version, common's repeatable
 * migration leaves the table as it is, and a key copied then still lets its owner in.
 */
@QuarkusTest
@WithTestResource(MigrationFromOldLayoutTest.OldLayout.class)
class MigrationFromOldLayoutTest {

    static final String SCHEMA = "billing_old_layout";
    static final String KEY = ApiKeys.PREFIX + "old-layout-key-0123456789abcdefghijklmnop";

    /** The shared broker and database, with the service's schema migrated by the layout before this change. */
    public static class OldLayout extends RelayTestResources {

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            TestDatabase db = TestDatabase.shared();
            Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).schemas(SCHEMA).defaultSchema(SCHEMA)
                    .locations("classpath:db/migration", "classpath:db/relay-common", "classpath:db/billing-before-common")
                    .load().migrate();
            try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                    PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO " + SCHEMA + ".api_key (id, org, user_email, hash) VALUES (?, 'legacy', 'lee@legacy.dev', ?)")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, ApiKeys.hash(KEY));
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            config.put("relay.schema", SCHEMA);
            return config;
        }
    }

    @Test
    void aSchemaMigratedBeforeCommonOwnedTheKeyCopyStartsAndKeepsItsKeys() throws SQLException {
        assertThat(history()).contains("1 billing", "2 api keys", "3 budget states", "null api key copy");
        given().header(ApiKeys.HEADER, KEY).get("/api/v1/usage").then().statusCode(200);
        given().header(ApiKeys.HEADER, ApiKeys.generate()).get("/api/v1/usage").then().statusCode(401);
    }

    /** "version description" of every successful migration of the schema, in the order applied. */
    private static List<String> history() throws SQLException {
        TestDatabase db = TestDatabase.shared();
        List<String> applied = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                ResultSet rows = connection.createStatement().executeQuery("SELECT version, description FROM " + SCHEMA
                        + ".flyway_schema_history WHERE success ORDER BY installed_rank")) {
            while (rows.next()) {
                applied.add(rows.getString(1) + " " + rows.getString(2));
            }
        }
        return applied;
    }
}

package dev.relay.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VisibilityTest {

    private static final String ORG = "acme";
    private static final String CREATOR = "alice@acme.dev";

    private static boolean lets(Visibility visibility, String viewerOrg, String viewer, boolean shared) {
        return visibility.lets(viewerOrg, viewer, ORG, CREATOR, shared);
    }

    @Test
    void aPrivateTaskIsItsCreatorsUnlessShared() {
        assertThat(lets(Visibility.PRIVATE, ORG, CREATOR, false)).isTrue();
        assertThat(lets(Visibility.PRIVATE, ORG, "bob@acme.dev", false)).isFalse();
        assertThat(lets(Visibility.PRIVATE, ORG, "bob@acme.dev", true)).isTrue();
        assertThat(lets(Visibility.PRIVATE, "globex", "eve@globex.dev", true)).isFalse();
        // the same email in another organization is another user
        assertThat(lets(Visibility.PRIVATE, "globex", CREATOR, false)).isFalse();
    }

    @Test
    void aTeamTaskIsTheOrganizations() {
        assertThat(lets(Visibility.TEAM, ORG, "bob@acme.dev", false)).isTrue();
        assertThat(lets(Visibility.TEAM, "globex", "eve@globex.dev", false)).isFalse();
    }

    @Test
    void publicAndUnlistedTasksAreAnyones() {
        for (Visibility open : new Visibility[] {Visibility.PUBLIC, Visibility.UNLISTED}) {
            assertThat(lets(open, "globex", "eve@globex.dev", false)).isTrue();
        }
    }

    @Test
    void valuesAreTheWireNames() {
        assertThat(Visibility.of("unlisted")).isEqualTo(Visibility.UNLISTED);
        assertThat(Visibility.TEAM.value()).isEqualTo("team");
        assertThatThrownBy(() -> Visibility.of("secret")).isInstanceOf(IllegalArgumentException.class);
    }
}

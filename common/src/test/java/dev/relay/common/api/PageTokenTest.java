package dev.relay.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.relay.common.error.ApiException;

class PageTokenTest {

    private static Long seq(List<String> fields) {
        return fields.size() == 2 && fields.get(0).equals("after") ? Long.parseLong(fields.get(1)) : null;
    }

    @Test
    void aTokenReadsBackAsItsFields() {
        String token = PageToken.encode(List.of("after", "42"));
        assertThat(PageToken.decode(token, "is not valid", PageTokenTest::seq)).isEqualTo(42L);
        assertThat(token).doesNotContain("after").doesNotContain("=");
    }

    @Test
    void noTokenIsTheFirstPage() {
        assertThat(PageToken.decode(null, "is not valid", PageTokenTest::seq)).isNull();
        assertThat(PageToken.decode(" ", "is not valid", PageTokenTest::seq)).isNull();
    }

    @Test
    void aMadeUpOrForeignTokenIsA400() {
        for (String bad : new String[] {"%%%", "bm90IGEgdG9rZW4", PageToken.encode(List.of("after", "x")),
                PageToken.encode(List.of("createdAt", "desc", "t", "id"))}) {
            assertThatThrownBy(() -> PageToken.decode(bad, "was not issued by this list", PageTokenTest::seq))
                    .isInstanceOf(ApiException.class).hasMessageContaining("continuationToken")
                    .hasMessageContaining("was not issued by this list");
        }
    }
}

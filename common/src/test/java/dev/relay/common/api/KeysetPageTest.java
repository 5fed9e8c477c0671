package dev.relay.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class KeysetPageTest {

    private static List<String> position(Integer row) {
        return List.of("after", row.toString());
    }

    private static Integer after(String token) {
        return PageToken.decode(token, "is not valid",
                fields -> fields.size() == 2 && fields.get(0).equals("after") ? Integer.valueOf(fields.get(1)) : null);
    }

    @Test
    void aPageFetchesOneRowMoreThanItHolds() {
        assertThat(KeysetPage.fetchSize(100)).isEqualTo(101);
    }

    @Test
    void theExtraRowIsCutAndTheTokenNamesThePagesLastRow() {
        KeysetPage<Integer> page = KeysetPage.of(List.of(1, 2, 3), 2, KeysetPageTest::position);

        assertThat(page.items()).containsExactly(1, 2);
        assertThat(after(page.continuationToken())).isEqualTo(2);
    }

    @Test
    void aPageWithoutTheExtraRowIsTheLast() {
        assertThat(KeysetPage.of(List.of(1, 2), 2, KeysetPageTest::position)).isEqualTo(new KeysetPage<>(List.of(1, 2), null));
        assertThat(KeysetPage.of(List.of(1), 2, KeysetPageTest::position).continuationToken()).isNull();
        assertThat(KeysetPage.of(List.<Integer>of(), 2, KeysetPageTest::position).items()).isEmpty();
    }

    @Test
    void followingTheTokensVisitsEveryRowOnce() {
        List<Integer> rows = IntStream.rangeClosed(1, 7).boxed().toList();
        List<Integer> seen = new ArrayList<>();
        String token = null;
        do {
            Integer from = after(token);
            List<Integer> fetched = rows.stream().filter(row -> from == null || row > from).limit(KeysetPage.fetchSize(3)).toList();
            KeysetPage<Integer> page = KeysetPage.of(fetched, 3, KeysetPageTest::position);
            seen.addAll(page.items());
            token = page.continuationToken();
        } while (token != null);

        assertThat(seen).isEqualTo(rows);
    }

    @Test
    void mappingKeepsTheToken() {
        KeysetPage<String> mapped = KeysetPage.of(List.of(1, 2, 3), 2, KeysetPageTest::position).map(row -> "#" + row);

        assertThat(mapped.items()).containsExactly("#1", "#2");
        assertThat(after(mapped.continuationToken())).isEqualTo(2);
    }
}

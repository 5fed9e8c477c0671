package dev.relay.common.api;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a keyset-paginated list: the query fetches {@link #fetchSize} rows (one more than the page holds),
 * {@link #of} cuts them to the page and, when that extra row came, makes the {@link PageToken} from the page's last
 * row, so the next page starts after it. No token means the last page.
 */
public record KeysetPage<T>(List<T> items, String continuationToken) {

    /** How many rows to fetch for a page of {@code size}: one more, to learn whether another page follows. */
    public static int fetchSize(int size) {
        return size + 1;
    }

    /**
     * The page of {@code size} out of {@code fetched} (at most {@link #fetchSize} rows, in page order);
     * {@code position} gives the token's fields of a row (see {@link PageToken#encode}).
     */
    public static <T> KeysetPage<T> of(List<T> fetched, int size, Function<T, List<String>> position) {
        if (fetched.size() <= size) {
            return new KeysetPage<>(List.copyOf(fetched), null);
        }
        List<T> shown = List.copyOf(fetched.subList(0, size));
        return new KeysetPage<>(shown, PageToken.encode(position.apply(shown.get(size - 1))));
    }

    /** The same page with each item mapped (to its API view, say); the token stays. */
    public <R> KeysetPage<R> map(Function<T, R> mapper) {
        return new KeysetPage<>(items.stream().map(mapper).toList(), continuationToken);
    }
}

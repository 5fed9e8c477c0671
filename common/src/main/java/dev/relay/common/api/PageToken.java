package dev.relay.common.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import dev.relay.common.error.ApiException;

/**
 * The opaque {@code continuationToken} of every list: the fields that locate the last row of a page (and the
 * order it was sorted in), base64url-encoded. Clients pass it back as it is; one they made up, or one issued for
 * another order, is a 400.
 */
public final class PageToken {

    private static final String SEPARATOR = "|";

    private PageToken() {
    }

    public static String encode(List<String> fields) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(SEPARATOR, fields).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The token's fields read by {@code reader}, or null when there is no token. A token that is not base64url, or
     * whose fields the reader refuses (by throwing), is a 400 saying {@code why}.
     */
    public static <T> T decode(String token, String why, Function<List<String>, T> reader) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            T value = reader.apply(List.of(text.split("\\" + SEPARATOR, -1)));
            if (value != null) {
                return value;
            }
        } catch (RuntimeException malformed) {
            // answered below
        }
        throw ApiException.invalidRequest("parameter 'continuationToken' " + why);
    }
}

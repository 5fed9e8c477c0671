package dev.relay.common.egress;

import java.net.URI;
import java.net.URISyntaxException;

import dev.relay.common.error.ApiException;

/** The rule for a URL Relay will POST messages to (a webhook): what can be told of it without a lookup. */
public final class ReceiverUrls {

    public static final int MAX_CHARACTERS = 2048;

    private ReceiverUrls() {
    }

    /**
     * The URL, when it is an absolute http or https URL without user info, of at most {@value #MAX_CHARACTERS}
     * characters, that the egress policy does not refuse on its face; else 400 naming {@code field}. Every send
     * checks it again, resolved.
     */
    public static String requireValid(String field, String url, EgressPolicy egress) {
        if (url == null || url.length() > MAX_CHARACTERS || !isHttpUrl(url)) {
            throw ApiException.invalidRequest("field '" + field + "' must be an absolute http or https URL of at most "
                    + MAX_CHARACTERS + " characters");
        }
        if (egress.refusesOnItsFace(URI.create(url))) {
            throw ApiException.invalidRequest("field '" + field + "': " + EgressRefused.MESSAGE);
        }
        return url;
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return uri.isAbsolute() && uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getUserInfo() == null;
        } catch (URISyntaxException malformed) {
            return false;
        }
    }
}

package dev.relay.testsupport.probe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What every answer of a Relay service must be, whatever was asked: never a 5xx, never a hang, every 4xx with the
 * seeds' error body ({@code error}, {@code code}, {@code kind}, {@code message}), and nothing that leaks the inside
 * (a stack trace, a class name, SQL) or a secret.
 */
public final class ResponseRules {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LEAKS = Pattern.compile(
            "(\\bat [a-z]+\\.[a-z]+\\.[\\w.$]+\\(|Exception\\b|\\bCaused by\\b|\\b(dev\\.relay|io\\.quarkus|io\\.vertx|org\\.hibernate"
                    + "|io\\.smallrye|com\\.fasterxml|java\\.lang|org\\.postgresql|io\\.netty)\\.|SQLSTATE|\\bselect .+ from\\b"
                    + "|\\binsert into\\b|\\bupdate .+ set\\b|<html|<HTML)",
            Pattern.CASE_INSENSITIVE);

    private ResponseRules() {
    }

    /** The rules {@code status}/{@code body} break (empty when none); {@code secrets} must never appear. */
    public static List<String> broken(int status, String contentType, String body, Collection<String> secrets) {
        List<String> broken = new ArrayList<>();
        if (status == 0) {
            broken.add("no answer in time");
            return broken;
        }
        if (status < 100) {
            broken.add("not an HTTP answer");
            return broken;
        }
        if (status >= 500) {
            broken.add("a " + status);
        }
        if (status >= 400) {
            String problem = errorBodyProblem(contentType, body);
            if (problem != null) {
                broken.add("a " + status + " " + problem);
            }
        }
        var leak = LEAKS.matcher(body == null ? "" : body);
        if (leak.find()) {
            broken.add("the body leaks '" + leak.group() + "'");
        }
        for (String secret : secrets) {
            if (body != null && body.contains(secret)) {
                broken.add("the body contains a secret");
            }
        }
        return broken;
    }

    /** Why {@code body} is not the seeds' error body, or null when it is. */
    public static String errorBodyProblem(String contentType, String body) {
        if (contentType == null || !contentType.startsWith("application/json")) {
            return "without a JSON body (content type '" + contentType + "')";
        }
        try {
            JsonNode error = JSON.readTree(body);
            for (String field : List.of("error", "code", "kind", "message")) {
                if (error == null || !error.path(field).isTextual() || error.path(field).asText().isBlank()) {
                    return "whose body has no '" + field + "'";
                }
            }
            return null;
        } catch (Exception e) {
            return "whose body is not JSON";
        }
    }
}

package dev.relay.system;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.testsupport.PackagedService;

/** A task's events as the stream service stored them: its list's first page of 1 000 (the system tests' tasks have fewer). */
final class StoredEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private StoredEvents() {
    }

    /** The events, oldest first; an IOException when the stream service does not answer 200 (yet). */
    static List<JsonNode> of(PackagedService streamService, String org, String taskId, String token) throws IOException {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(streamService.uri("/api/preview/agents/" + org + "/tasks/"
                    + taskId + "/events?pageSize=1000")).timeout(Duration.ofSeconds(5)).header("Authorization", token).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("answered " + response.statusCode());
            }
            List<JsonNode> events = new ArrayList<>();
            JSON.readTree(response.body()).path("events").forEach(events::add);
            return events;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}

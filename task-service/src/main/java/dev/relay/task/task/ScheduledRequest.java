package dev.relay.task.task;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;

/** What each firing of a task's schedule runs: the create's prompt, its parts and file keys, and its run settings. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScheduledRequest(
        String prompt,
        ArrayNode parts,
        @JsonProperty("file_keys") ArrayNode fileKeys,
        @JsonProperty("run_config") RunConfig runConfig) {
}

package dev.relay.task.agent.tools;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

/** The specification of a built-in tool, from the JSON Schema of its arguments (the kinds of property they use). */
final class ToolSpecifications {

    private ToolSpecifications() {
    }

    /** A tool as the model is told of it: name, description and its arguments' schema. */
    static ToolSpecification of(Tool tool) {
        JsonObjectSchema.Builder parameters = JsonObjectSchema.builder();
        tool.parameters().path("properties").fields().forEachRemaining(property -> {
            JsonNode schema = property.getValue();
            String description = schema.path("description").asText(null);
            if (schema.has("enum")) {
                List<String> values = new ArrayList<>();
                schema.path("enum").forEach(value -> values.add(value.asText()));
                parameters.addEnumProperty(property.getKey(), values, description);
            } else if ("integer".equals(schema.path("type").asText())) {
                parameters.addIntegerProperty(property.getKey(), description);
            } else if ("object".equals(schema.path("type").asText())) {
                parameters.addProperty(property.getKey(), JsonObjectSchema.builder().description(description)
                        .additionalProperties(true).build());
            } else {
                parameters.addStringProperty(property.getKey(), description);
            }
        });
        List<String> required = new ArrayList<>();
        tool.parameters().path("required").forEach(name -> required.add(name.asText()));
        parameters.required(required);
        return ToolSpecification.builder().name(tool.name()).description(tool.description()).parameters(parameters.build()).build();
    }
}

package dev.relay.task.task;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/** Stores a JSON array as text: Hibernate Reactive binds JSON columns as objects only. */
@Converter
class JsonArrayConverter implements AttributeConverter<ArrayNode, String> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String convertToDatabaseColumn(ArrayNode value) {
        return value == null ? null : value.toString();
    }

    @Override
    public ArrayNode convertToEntityAttribute(String column) {
        if (column == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(column);
            return node.isArray() ? (ArrayNode) node : JSON.createArrayNode().add(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON array is malformed", e);
        }
    }
}

package dev.relay.common.api;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.NullNode;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * How every service reads JSON: a key given twice is refused (which of the two would count is a guess), and text
 * that PostgreSQL cannot store ({@link StorableText}) is refused where it is read, so the 400 names the field.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        SimpleModule module = new SimpleModule("relay-strict-json");
        module.addDeserializer(String.class, new CheckedString());
        module.addDeserializer(JsonNode.class, new CheckedTree());
        mapper.registerModule(module);
    }

    /** A field's value that cannot be stored; its path is added by Jackson as it travels up. */
    public static final class UnstorableText extends MismatchedInputException {
        UnstorableText(JsonParser parser, String problem) {
            super(parser, problem, String.class);
        }
    }

    static final class CheckedString extends StdScalarDeserializer<String> {
        CheckedString() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return checked(parser, StringDeserializer.instance.deserialize(parser, context));
        }
    }

    static final class CheckedTree extends StdScalarDeserializer<JsonNode> {
        CheckedTree() {
            super(JsonNode.class);
        }

        @Override
        public JsonNode deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode tree = JsonNodeDeserializer.getDeserializer(JsonNode.class).deserialize(parser, context);
            check(parser, tree);
            return tree;
        }

        @Override
        public JsonNode getNullValue(DeserializationContext context) {
            return NullNode.getInstance();
        }

        private static void check(JsonParser parser, JsonNode node) throws IOException {
            if (node.isTextual()) {
                checked(parser, node.textValue());
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                checked(parser, field.getKey());
                check(parser, field.getValue());
            }
            if (node.isArray()) {
                for (JsonNode element : node) {
                    check(parser, element);
                }
            }
        }
    }

    private static String checked(JsonParser parser, String value) throws IOException {
        String problem = value == null ? null : StorableText.problem(value);
        if (problem != null) {
            throw new UnstorableText(parser, problem);
        }
        return value;
    }
}

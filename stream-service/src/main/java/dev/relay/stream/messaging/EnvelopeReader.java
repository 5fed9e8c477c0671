package dev.relay.stream.messaging;

import java.io.IOException;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;

/**
 * Reads what the store needs of an envelope, the header fields, in one streaming pass. The stored and served
 * envelope is the record's own text, so {@code data} is only parsed for the events about the task itself (who may
 * read it); for every other event it is skipped, which is most of the work of a full parse.
 */
@ApplicationScoped
public class EnvelopeReader {

    private final ObjectMapper json;

    public EnvelopeReader(ObjectMapper json) {
        this.json = json;
    }

    /** The envelope's fields; {@code data} is null unless the event is task-level. */
    public TaskEvent read(String envelope) throws IOException {
        UUID id = null;
        UUID taskId = null;
        String org = null;
        long seq = -1;
        UUID streamId = null;
        String type = null;
        Instant createdAt = null;
        ObjectNode data = null;
        try (JsonParser parser = json.getFactory().createParser(envelope)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("an envelope is a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "id" -> id = UUID.fromString(parser.getText());
                    case "task_id" -> taskId = UUID.fromString(parser.getText());
                    case "org" -> org = parser.getText();
                    case "seq" -> seq = parser.getLongValue();
                    case "stream_id" -> streamId = value == JsonToken.VALUE_NULL ? null : UUID.fromString(parser.getText());
                    case "type" -> type = parser.getText();
                    case "created_at" -> createdAt = Instant.parse(parser.getText());
                    case "data" -> {
                        // the producer writes type before data; if another one does not, data is read to be safe
                        if (value == JsonToken.START_OBJECT && (type == null || TaskEventTypes.isTaskLevel(type))) {
                            data = parser.readValueAsTree();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException malformed) {
            throw new IOException("malformed envelope field", malformed);
        }
        if (id == null || taskId == null || org == null || seq < 1 || type == null || createdAt == null) {
            throw new IOException("an envelope needs id, task_id, org, seq, type and created_at");
        }
        return new TaskEvent(id, taskId, org, seq, streamId, type, createdAt, data);
    }
}

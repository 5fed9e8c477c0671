package dev.relay.common.event;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.messaging.PoisonRecord;

/**
 * The one reader of {@link TaskEvent} envelopes, in one streaming pass: {@code data} is only parsed for the types a
 * consumer asks for (the stream service stores the record's own text and needs the data of the events about the task
 * itself; billing that of usage reports); for every other event it is skipped, which is most of the work of a full
 * parse. Every consumer of the topic goes through here for every record, so the common shapes take the short paths.
 * What is not an envelope is a {@link PoisonRecord}.
 */
@ApplicationScoped
public class EnvelopeReader {

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private final ObjectMapper json;

    public EnvelopeReader(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Where an event stands in its task's sequence, and the run it belongs to: all a live viewer needs besides the
     * envelope itself. {@code streamId} is null for an event about the task itself, and may be null for one that is
     * not a run's last event when its writer puts the run after the type ({@link #position} reads on only for a run's
     * last event).
     */
    public record Position(UUID taskId, long seq, String type, UUID streamId) {
    }

    /** The envelope's fields; {@code data} is null unless {@code withData} holds for the event's type. */
    public TaskEvent read(String envelope, Predicate<String> withData) {
        UUID id = null;
        UUID taskId = null;
        String org = null;
        long seq = -1;
        UUID streamId = null;
        String type = null;
        Instant createdAt = null;
        ObjectNode data = null;
        try (JsonParser parser = open(envelope)) {
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
                    case "created_at" -> createdAt = instant(parser.getText());
                    case "data" -> {
                        // the producer writes type before data; if another one does not, data is read to be safe
                        if (value == JsonToken.START_OBJECT && (type == null || withData.test(type))) {
                            data = parser.readValueAsTree();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException | IllegalArgumentException | DateTimeException malformed) {
            throw new PoisonRecord("not a task event envelope: " + malformed.getMessage(), malformed);
        }
        if (id == null || taskId == null || org == null || seq < 1 || type == null || createdAt == null) {
            throw new PoisonRecord("a task event envelope needs id, task_id, org, seq, type and created_at", null);
        }
        if (data == null && withData.test(type)) {
            throw new PoisonRecord("a " + type + " event needs its data object", null);
        }
        return new TaskEvent(id, taskId, org, seq, streamId, type, createdAt, data);
    }

    /** The event's data as the record its type writes; data that is not that record is a {@link PoisonRecord}. */
    public <T extends TaskEventData> T data(TaskEvent event, Class<T> type) {
        try {
            return json.treeToValue(event.data(), type);
        } catch (IOException | IllegalArgumentException malformed) {
            throw new PoisonRecord("the data of " + event.type() + " event " + event.id() + " is not a " + type.getSimpleName()
                    + ": " + malformed.getMessage(), malformed);
        }
    }

    /**
     * Only the task, seq, type and run, read up to the last of the first three (Relay writes the run before the type):
     * the rest of the envelope is not even scanned, unless a run's last event has not named its run by then.
     */
    public Position position(String envelope) {
        UUID taskId = null;
        long seq = -1;
        String type = null;
        UUID streamId = null;
        try (JsonParser parser = open(envelope)) {
            while ((taskId == null || seq < 0 || type == null || streamId == null && TaskEventTypes.isTerminal(type))
                    && parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "task_id" -> taskId = UUID.fromString(parser.getText());
                    case "seq" -> seq = parser.getLongValue();
                    case "stream_id" -> streamId = parser.currentToken() == JsonToken.VALUE_NULL ? null : UUID.fromString(parser.getText());
                    case "type" -> type = parser.getText();
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException | IllegalArgumentException malformed) {
            throw new PoisonRecord("not a task event envelope: " + malformed.getMessage(), malformed);
        }
        if (taskId == null || seq < 1 || type == null) {
            throw new PoisonRecord("a task event envelope needs task_id, seq and type", null);
        }
        return new Position(taskId, seq, type, streamId);
    }

    /** A parser positioned inside the envelope's object. */
    private JsonParser open(String envelope) throws IOException {
        JsonParser parser = json.getFactory().createParser(envelope);
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            parser.close();
            throw new IOException("an envelope is a JSON object");
        }
        return parser;
    }

    /**
     * {@code Instant.toString()}'s form ({@code 2026-11-23T10:00:00.123456Z}), which every Relay producer writes, is
     * read by hand; anything else (an offset, fewer fields) goes through {@link Instant#parse}, several times slower.
     */
    static Instant instant(String text) {
        int length = text.length();
        int fraction = length - 21;
        if (length < 20 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || (length > 20 && (text.charAt(19) != '.' || fraction < 1 || fraction > 9))) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = fraction > 0 ? digits(text, 20, length - 1) * POWERS_OF_TEN[9 - fraction] : 0;
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || nanos < 0) {
            return Instant.parse(text);
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}

package dev.relay.testsupport.probe;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of JSON values for an OpenAPI schema: mostly values the schema allows (so requests get past the
 * first check and into the service), mixed with values of the wrong type, nulls, and the strings that break naive
 * code ({@link #HOSTILE_STRINGS}).
 */
public final class SchemaValues {

    /** Text that a service must refuse or store and return unharmed. */
    public static final List<String> HOSTILE_STRINGS = List.of(
            "", " ", "a\u0000b", "\u0000", "\uD800", "x\uDC00y", "%00", "%ZZ", "{uuid}", "../../etc/passwd",
            "' OR '1'='1", "'; DROP TABLE task; --", "\r\nX-Injected: 1", "\u202Eevil", "\uD83D\uDE00",
            "9".repeat(400), "x".repeat(70_000), "null", "true", "-1", "1e309", "\\", "\"", "<script>alert(1)</script>");

    /** A property left out of an object. */
    private static final Object ABSENT = new Object();

    private SchemaValues() {
    }

    /** Values for {@code schema}: allowed ones most of the time. */
    public static Arbitrary<Object> of(JsonNode schema) {
        return of(schema, 0);
    }

    /** Strings: ordinary, any code unit at all (lone surrogates included), or hostile. */
    public static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().alpha().numeric().withChars(' ', '-', '_').ofMaxLength(40)),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(30)),
                Tuple.of(2, Arbitraries.of(HOSTILE_STRINGS)));
    }

    private static Arbitrary<Object> of(JsonNode schema, int depth) {
        return Arbitraries.frequencyOf(
                Tuple.of(12, allowed(schema, depth)),
                Tuple.of(1, anyJson(depth + 1)),
                Tuple.of(1, Arbitraries.just(null)));
    }

    private static Arbitrary<Object> allowed(JsonNode schema, int depth) {
        if (schema.has("enum")) {
            List<Object> values = new ArrayList<>();
            schema.path("enum").forEach(value -> values.add(value.isTextual() ? value.asText() : value.numberValue()));
            return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(values)), Tuple.of(1, strings().map(s -> s)));
        }
        for (String choice : List.of("oneOf", "anyOf", "allOf")) {
            if (schema.has(choice) && !schema.path(choice).isEmpty()) {
                List<Arbitrary<Object>> options = new ArrayList<>();
                schema.path(choice).forEach(option -> options.add(allowed(option, depth + 1)));
                return Arbitraries.oneOf(options);
            }
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "");
        return switch (type) {
            case "string" -> switch (schema.path("format").asText()) {
                case "uuid" -> Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.create(() -> java.util.UUID.randomUUID().toString())),
                        Tuple.of(1, strings())).map(s -> s);
                case "date-time" -> Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.longs().between(0, 4_102_444_800L)
                        .map(seconds -> java.time.Instant.ofEpochSecond(seconds).toString())), Tuple.of(1, strings())).map(s -> s);
                default -> strings().map(s -> s);
            };
            case "integer" -> Arbitraries.frequencyOf(
                    Tuple.of(4, Arbitraries.integers().between(-5, 200)),
                    Tuple.of(1, Arbitraries.of(0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE)),
                    Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 99_999_999_999L))).map(n -> n);
            case "number" -> Arbitraries.doubles().map(n -> n);
            case "boolean" -> Arbitraries.of(true, false).map(b -> b);
            case "array" -> depth > 4 ? Arbitraries.just(List.of())
                    : of(schema.path("items"), depth + 1).list().ofMaxSize(4).map(list -> list);
            case "object" -> object(schema, depth);
            default -> anyJson(depth + 1);
        };
    }

    private static Arbitrary<Object> object(JsonNode schema, int depth) {
        if (depth > 4 || !schema.has("properties")) {
            return Arbitraries.maps(strings(), anyJson(depth + 1)).ofMaxSize(3).map(map -> map);
        }
        List<String> names = new ArrayList<>();
        List<Arbitrary<Object>> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            names.add(property.getKey());
            values.add(Arbitraries.frequencyOf(Tuple.of(3, of(property.getValue(), depth + 1)), Tuple.of(2, Arbitraries.just(ABSENT))));
        }
        return Combinators.combine(values).as(chosen -> {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                if (chosen.get(i) != ABSENT) {
                    object.put(names.get(i), chosen.get(i));
                }
            }
            return object;
        });
    }

    /** Any JSON value, nested at most a few levels. */
    static Arbitrary<Object> anyJson(int depth) {
        List<Arbitrary<Object>> scalars = List.of(
                strings().map(s -> s),
                Arbitraries.integers().map(n -> n),
                Arbitraries.of(true, false).map(b -> b),
                Arbitraries.just(null));
        if (depth > 3) {
            return Arbitraries.oneOf(scalars);
        }
        List<Arbitrary<Object>> all = new ArrayList<>(scalars);
        all.add(Arbitraries.lazy(() -> anyJson(depth + 1)).list().ofMaxSize(3).map(list -> list));
        all.add(Arbitraries.maps(strings(), Arbitraries.lazy(() -> anyJson(depth + 1))).ofMaxSize(3).map(map -> map));
        return Arbitraries.oneOf(all);
    }
}

package dev.relay.task.secrets;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Takes a run's secret values out of every text that leaves a tool or the model, whatever form they are echoed in:
 * the value itself, JSON-escaped (also with non-ASCII as {@code \\uXXXX}), percent-encoded, base64 and base64url (of
 * the value alone, and as it reads inside longer encoded data at each of the three byte alignments) and hex. The
 * longest form is replaced first (one secret may be the start of another). A text that ends with the first 8 or
 * more characters of a form (cut short by a limit) loses that fragment too. JSON is redacted value by value before
 * it is written, never in its written text.
 */
public final class Redactor {

    public static final String MASK = "***";
    /** The shortest trailing fragment of a form treated as a cut secret, and the shortest partial encoding looked for. */
    static final int MIN_FRAGMENT = 8;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Redactor NONE = new Redactor(List.of());

    private final List<String> forms;

    private Redactor(List<String> forms) {
        this.forms = forms;
    }

    public static Redactor none() {
        return NONE;
    }

    public static Redactor of(Collection<String> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                forms.addAll(formsOf(secret));
            }
        }
        List<String> longestFirst = new ArrayList<>(forms);
        longestFirst.removeIf(String::isEmpty);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        return longestFirst.isEmpty() ? NONE : new Redactor(List.copyOf(longestFirst));
    }

    public boolean isEmpty() {
        return forms.isEmpty();
    }

    /** {@code text} without any form of a secret, nor a trailing fragment of one. */
    public String text(String text) {
        return text == null || forms.isEmpty() ? text : withoutFragment(whole(text));
    }

    /** {@code text} without any whole form of a secret (a trailing fragment stays: more text may follow it). */
    public String whole(String text) {
        if (text == null || forms.isEmpty()) {
            return text;
        }
        String redacted = text;
        for (String form : forms) {
            if (redacted.contains(form)) {
                redacted = redacted.replace(form, MASK);
            }
        }
        return redacted;
    }

    /**
     * How many characters at the end of {@code text} (already without whole forms) could be the start of a secret
     * the next piece of a stream completes: they are held back until it comes.
     */
    public int pending(String text) {
        int longest = 0;
        for (String form : forms) {
            for (int length = Math.min(form.length() - 1, text.length()); length > longest; length--) {
                if (text.regionMatches(text.length() - length, form, 0, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    /** A copy of {@code tree} with every string value and field name redacted. */
    public JsonNode tree(JsonNode tree) {
        if (tree == null || forms.isEmpty()) {
            return tree;
        }
        if (tree.isTextual()) {
            return TextNode.valueOf(text(tree.asText()));
        }
        if (tree.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            tree.forEach(element -> copy.add(tree(element)));
            return copy;
        }
        if (tree.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> fields = tree.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                copy.set(text(field.getKey()), tree(field.getValue()));
            }
            return copy;
        }
        return tree;
    }

    /**
     * A tool's output redacted: when it is a JSON object or array, value by value (then written again), else as text.
     */
    public String output(String output) {
        if (output == null || forms.isEmpty()) {
            return output;
        }
        String trimmed = output.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                JsonNode tree = JSON.readTree(output);
                if (tree != null && tree.isContainerNode()) {
                    // a form the parse did not reveal (an escape the writer chooses differently) is still looked for
                    return text(JSON.writeValueAsString(tree(tree)));
                }
            } catch (IOException notJson) {
                // text that only looks like JSON
            }
        }
        return text(output);
    }

    private String withoutFragment(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
            end--; // a cut in the middle of a character's bytes
        }
        String body = text.substring(0, end);
        int longest = 0;
        for (String form : forms) {
            for (int length = Math.min(form.length() - 1, body.length()); length >= MIN_FRAGMENT && length > longest; length--) {
                if (body.regionMatches(body.length() - length, form, 0, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest == 0 ? text : body.substring(0, body.length() - longest) + MASK + text.substring(end);
    }

    private static List<String> formsOf(String secret) {
        List<String> forms = new ArrayList<>();
        forms.add(secret);
        String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(secret));
        forms.add(escaped);
        forms.add(asciiEscaped(escaped, false));
        forms.add(asciiEscaped(escaped, true));
        String percent = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.add(percent);
        forms.add(percent.replace("+", "%20"));
        forms.add(lowerPercent(percent.replace("+", "%20")));
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
            forms.add(encoder.encodeToString(bytes));
            // inside longer encoded data the value starts at one of three byte offsets: the characters that only its bytes decide
            for (int skip = 0; skip < 3 && skip < bytes.length; skip++) {
                byte[] aligned = Arrays.copyOfRange(bytes, skip, skip + (bytes.length - skip) / 3 * 3);
                String inner = encoder.withoutPadding().encodeToString(aligned);
                if (inner.length() >= MIN_FRAGMENT) {
                    forms.add(inner);
                }
            }
        }
        forms.add(HexFormat.of().formatHex(bytes));
        forms.add(HexFormat.of().withUpperCase().formatHex(bytes));
        return forms;
    }

    /** A JSON-escaped value with every non-ASCII character as {@code \\uXXXX}. */
    private static String asciiEscaped(String escaped, boolean upper) {
        StringBuilder ascii = new StringBuilder();
        for (char c : escaped.toCharArray()) {
            if (c < 0x80) {
                ascii.append(c);
            } else {
                String hex = String.format("%04x", (int) c);
                ascii.append("\\u").append(upper ? hex.toUpperCase() : hex);
            }
        }
        return ascii.toString();
    }

    private static String lowerPercent(String percent) {
        StringBuilder lower = new StringBuilder();
        for (int i = 0; i < percent.length(); i++) {
            char c = percent.charAt(i);
            lower.append(c);
            if (c == '%' && i + 2 < percent.length()) {
                lower.append(percent.substring(i + 1, i + 3).toLowerCase());
                i += 2;
            }
        }
        return lower.toString();
    }
}

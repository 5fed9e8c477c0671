package dev.relay.task.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Planted secrets with awkward values, echoed in every form a tool or a model might echo them in. */
class RedactorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A quote, a backslash, a control character, non-ASCII and a space. */
    private static final String AWKWARD = "pa\"ss\\wörd\u0001 ✓-9f3c";
    private static final String SHORT = "tok-7a1b2c3d";
    /** {@link #SHORT} is its start. */
    private static final String LONG = SHORT + "-and-more-9e8d";

    private final Redactor redactor = Redactor.of(List.of(AWKWARD, SHORT, LONG));

    @Test
    void everyEncodedFormOfASecretIsTakenOut() throws Exception {
        byte[] bytes = AWKWARD.getBytes(StandardCharsets.UTF_8);
        List<String> echoes = List.of(AWKWARD,
                new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(AWKWARD)),
                URLEncoder.encode(AWKWARD, StandardCharsets.UTF_8),
                URLEncoder.encode(AWKWARD, StandardCharsets.UTF_8).replace("+", "%20"),
                Base64.getEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                HexFormat.of().formatHex(bytes),
                HexFormat.of().withUpperCase().formatHex(bytes));
        for (String echo : echoes) {
            String redacted = redactor.text("before " + echo + " after");
            assertThat(redacted).as(echo).isEqualTo("before *** after");
        }
        // non-ASCII escaped as JSON writers that escape it do
        String escapedNonAscii = new ObjectMapper().writer().with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                .writeValueAsString(AWKWARD);
        assertThat(redactor.text(escapedNonAscii)).doesNotContain("9f3c");
    }

    @Test
    void aSecretInsideLongerEncodedDataIsTakenOutAtEveryAlignment() {
        for (String prefix : List.of("", "u:", "us:", "use:")) {
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String encoded = encoder.encodeToString((prefix + LONG + " trailing").getBytes(StandardCharsets.UTF_8));
                String redacted = redactor.text("Authorization: Basic " + encoded);
                assertThat(redacted).as(prefix).contains(Redactor.MASK);
                // what is left decodes to no run of 8 characters of the secret
                String left = redacted.substring("Authorization: Basic ".length()).replace(Redactor.MASK, "");
                assertThat(encoded).isNotEqualTo(left);
                assertThat(left.length()).isLessThan(encoded.length() - 8);
            }
        }
    }

    @Test
    void theLongerOfTwoSecretsThatShareAStartIsTakenOutWhole() {
        assertThat(redactor.text("a " + LONG + " b " + SHORT + " c")).isEqualTo("a *** b *** c");
        assertThat(redactor.text(LONG)).isEqualTo("***").doesNotContain("and-more");
    }

    @Test
    void aSecretCutShortByALimitLosesItsFragmentButShortCoincidencesStay() {
        assertThat(redactor.text("body: " + LONG.substring(0, 10))).isEqualTo("body: ***");
        assertThat(redactor.text("body: " + AWKWARD.substring(0, 12))).isEqualTo("body: ***");
        // cut in the middle of a character's bytes: the decoder's replacement character ends the text
        byte[] bytes = AWKWARD.getBytes(StandardCharsets.UTF_8);
        String cut = new String(bytes, 0, 15, StandardCharsets.UTF_8);
        assertThat(cut).endsWith("\uFFFD");
        assertThat(redactor.text("x" + cut)).startsWith("x***").doesNotContain("ss\\w");
        assertThat(redactor.text("ends with tok-")).as("fewer than 8 characters").isEqualTo("ends with tok-");
    }

    @Test
    void jsonIsRedactedValueByValueNotInItsWrittenText() throws Exception {
        String written = JSON.writeValueAsString(JSON.createObjectNode().put("body", "you sent " + AWKWARD).put(AWKWARD, 1)
                .put("cut", "x".repeat(5) + SHORT.substring(0, 9)));
        assertThat(written).doesNotContain(AWKWARD); // the writer escaped it
        JsonNode redacted = JSON.readTree(redactor.output(written));
        assertThat(redacted.path("body").asText()).isEqualTo("you sent ***");
        assertThat(redacted.has("***")).isTrue();
        assertThat(redacted.path("cut").asText()).isEqualTo("xxxxx***");
        assertThat(redactor.tree(JSON.createObjectNode().put("a", "Bearer " + SHORT)).toString()).isEqualTo("{\"a\":\"Bearer ***\"}");
    }

    @Test
    void aStreamHoldsBackWhatMayBeTheStartOfASecret() {
        String first = "the token is " + SHORT.substring(0, 5);
        int held = redactor.pending(redactor.whole(first));
        assertThat(held).isEqualTo(5);
        assertThat(redactor.pending("nothing secret here.")).isZero();
        assertThat(Redactor.none().text(AWKWARD)).isEqualTo(AWKWARD);
    }
}

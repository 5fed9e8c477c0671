package dev.relay.common.budget;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a model's tokens are priced in Neo tokens, the unit budgets count: a weight per input and per output token,
 * per model, and default weights for the others. The billing service owns the figures (its configuration) and
 * publishes them with each budget state, so that the task service prices the usage it admits the same way.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NeoPricing(@JsonProperty("default_input") double defaultInput, @JsonProperty("default_output") double defaultOutput,
        Map<String, Weight> models) {

    public static final NeoPricing ONE_TO_ONE = new NeoPricing(1, 1, Map.of());

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Weight(double input, double output) {
    }

    /** The Neo tokens a model's input and output tokens cost: weighted, rounded up. */
    public long neoTokens(String model, long inputTokens, long outputTokens) {
        Weight weight = weight(model);
        return (long) Math.ceil(inputTokens * weight.input() + outputTokens * weight.output());
    }

    /**
     * The most output tokens a call of {@code model} with {@code inputTokens} may produce for at most {@code neoTokens}
     * (0 when even the input does not fit; {@link Integer#MAX_VALUE} at most).
     */
    public long outputTokensWithin(String model, long inputTokens, long neoTokens) {
        Weight weight = weight(model);
        if (neoTokens(model, inputTokens, 0) > neoTokens) {
            return 0;
        }
        if (weight.output() <= 0) {
            return Integer.MAX_VALUE;
        }
        long output = Math.min(Integer.MAX_VALUE, (long) Math.floor((neoTokens - inputTokens * weight.input()) / weight.output()));
        while (output > 0 && neoTokens(model, inputTokens, output) > neoTokens) {
            output--; // the cost is rounded up
        }
        return Math.max(0, output);
    }

    private Weight weight(String model) {
        Weight weight = models == null ? null : models.get(model);
        return weight != null ? weight : new Weight(defaultInput, defaultOutput);
    }
}

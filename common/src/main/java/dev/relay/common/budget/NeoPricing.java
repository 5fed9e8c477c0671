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
        Weight weight = models == null ? null : models.get(model);
        double input = weight == null ? defaultInput : weight.input();
        double output = weight == null ? defaultOutput : weight.output();
        return (long) Math.ceil(inputTokens * input + outputTokens * output);
    }
}

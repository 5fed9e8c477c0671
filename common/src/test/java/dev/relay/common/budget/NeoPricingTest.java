package dev.relay.common.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class NeoPricingTest {

    private final NeoPricing pricing = new NeoPricing(1, 3, Map.of("big", new NeoPricing.Weight(2.5, 7.5)));

    @Test
    void theOutputWithinAnAmountIsTheMostWhoseCostFits() {
        assertThat(pricing.outputTokensWithin("any", 100, 400)).isEqualTo(100);
        assertThat(pricing.neoTokens("any", 100, 100)).isEqualTo(400);
        assertThat(pricing.outputTokensWithin("any", 100, 402)).isEqualTo(100);
        // weights with fractions: the cost is rounded up, and the answer still fits
        long output = pricing.outputTokensWithin("big", 3, 100);
        assertThat(pricing.neoTokens("big", 3, output)).isLessThanOrEqualTo(100);
        assertThat(pricing.neoTokens("big", 3, output + 1)).isGreaterThan(100);
    }

    @Test
    void nothingFitsWhenTheInputAloneCostsMore() {
        assertThat(pricing.outputTokensWithin("any", 100, 99)).isZero();
        assertThat(pricing.outputTokensWithin("any", 100, 100)).isZero();
        assertThat(pricing.outputTokensWithin("any", 100, 102)).isZero();
        assertThat(pricing.outputTokensWithin("any", 100, 103)).isEqualTo(1);
    }
}

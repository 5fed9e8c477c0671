package dev.relay.billing.domain;

/** Usage summed over one group (a day, model, user, project or task). */
public record UsageGroup(String group, long inputTokens, long outputTokens, long neoTokens) {
}

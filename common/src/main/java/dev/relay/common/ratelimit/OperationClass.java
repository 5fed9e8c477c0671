package dev.relay.common.ratelimit;

/**
 * What kind of work a request asks for; each class has its own token buckets per user and per organization, so a burst
 * of reads never starves creates and a flood of creates never blocks reading what was created.
 */
public enum OperationClass {
    /** Starting or steering work: creates, messages and responds, cancels, schedule triggers. */
    RUNS,
    /** Every other write: webhook, secrets, API keys, budgets, schedules, task updates. A write not marked otherwise. */
    SETTINGS,
    /** GET and HEAD. */
    READS,
    /** Opening an event stream. */
    STREAMS
}

package dev.relay.common.observability;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.DefaultBean;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.lookup.LookupIfProperty;

/**
 * Spans are exported over OTLP only when an endpoint is configured ({@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}).
 * Without one, Quarkus would send them to its default, localhost:4317, and log every failure; while the endpoint is
 * that default, this exporter, which drops them, is what it finds instead (a SpanExporter bean replaces its OTLP
 * one). Traces still run: their ids reach the logs and travel with requests and Kafka records.
 */
public class TraceExport {

    @Produces
    @Singleton
    @DefaultBean
    @Unremovable
    @LookupIfProperty(name = "quarkus.otel.exporter.otlp.endpoint", stringValue = "http://localhost:4317/", lookupIfMissing = true)
    SpanExporter dropSpansWhenNoEndpointIsConfigured() {
        return SpanExporter.composite();
    }
}

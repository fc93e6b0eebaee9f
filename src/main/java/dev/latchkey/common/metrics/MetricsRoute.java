package dev.latchkey.common.metrics;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.latchkey.common.http.RouteOrder;

/**
 * {@code /q/metrics} in the classic Prometheus text format (0.0.4) unless the scraper asks for OpenMetrics by name.
 * Quarkus answered OpenMetrics to {@code Accept: *}{@code /*} (curl, most tools), whose family names differ from the
 * samples' ({@code # TYPE x counter} over {@code x_total}); text-format parsers such as promtool then saw counters
 * without help text. Prometheus itself asks for OpenMetrics explicitly and still gets it.
 */
@Singleton
public class MetricsRoute {

    private final PrometheusMeterRegistry registry;

    public MetricsRoute(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    void routes(@Observes Router router) {
        router.get("/q/metrics").order(RouteOrder.QUARKUS_ENDPOINTS).handler(this::scrape);
    }

    private void scrape(RoutingContext ctx) {
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        String type = accept != null && accept.contains("application/openmetrics-text")
                ? TextFormat.CONTENT_TYPE_OPENMETRICS_100 : TextFormat.CONTENT_TYPE_004;
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(registry.scrape(type));
    }
}

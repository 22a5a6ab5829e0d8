package io.quiver.serving.metrics;

import com.linecorp.armeria.common.logging.RequestOnlyLog;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import com.linecorp.armeria.server.prometheus.PrometheusExpositionService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quiver.serving.auth.AccessTable;
import java.util.function.Function;

/**
 * The node's metrics, exposed in Prometheus' text format on {@code GET /metrics}: request counts
 * and latencies per REST route ({@code quiver_rest_*}, tagged {@code route="GET /collections/{}"})
 * and per gRPC method ({@code quiver_grpc_*}, tagged {@code service} and {@code method}), Armeria's
 * own server metrics, and the JVM's (memory, GC, threads, classes, CPU, uptime). Endpoint code may
 * register its own meters (points, segments, optimizer state) on {@link #registry()}.
 */
public final class ServerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = PrometheusMeterRegistries.newRegistry();
  private final CompositeMeterRegistry restServerRegistry = serverRegistry("rest");
  private final CompositeMeterRegistry grpcServerRegistry = serverRegistry("grpc");
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  public ServerMetrics() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /**
   * Each port is its own Armeria server, and both register the same server meters (router caches,
   * the shared blocking executor); an {@code api} tag keeps them apart.
   */
  private CompositeMeterRegistry serverRegistry(String api) {
    CompositeMeterRegistry server = new CompositeMeterRegistry();
    server.config().commonTags("api", api);
    server.add(registry);
    return server;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * What the REST port's Armeria server records into: {@link #registry()}, tagged {@code
   * api="rest"}.
   */
  public MeterRegistry restServerRegistry() {
    return restServerRegistry;
  }

  /**
   * What the gRPC port's Armeria server records into: {@link #registry()}, tagged {@code
   * api="grpc"}.
   */
  public MeterRegistry grpcServerRegistry() {
    return grpcServerRegistry;
  }

  /** The {@code /metrics} endpoint. */
  public HttpService exposition() {
    return PrometheusExpositionService.of(registry.getPrometheusRegistry());
  }

  /** Records every REST request, tagged with its route. */
  public Function<? super HttpService, MetricCollectingService> restRequests() {
    return MetricCollectingService.newDecorator(
        MeterIdPrefixFunction.ofDefault("quiver.rest")
            .andThen((registry, log, prefix) -> prefix.withTags("route", route(log))));
  }

  /** Records every gRPC call; Armeria tags it with the service and method. */
  public Function<? super HttpService, MetricCollectingService> grpcRequests() {
    return MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("quiver.grpc"));
  }

  private static String route(RequestOnlyLog log) {
    if (!(log.context() instanceof ServiceRequestContext ctx)) {
      return "unknown";
    }
    Route route = ctx.config().route();
    // Unknown paths share one tag, so that probing cannot grow the metrics without bound.
    return route.isFallback()
        ? "unmatched"
        : AccessTable.restEndpoint(ctx.method(), route.patternString());
  }

  @Override
  public void close() {
    gcMetrics.close();
    restServerRegistry.close();
    grpcServerRegistry.close();
    registry.close();
  }
}

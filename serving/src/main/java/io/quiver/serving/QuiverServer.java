package io.quiver.serving;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.util.BlockingTaskExecutor;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerPort;
import com.linecorp.armeria.server.ServiceBindingBuilder;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import io.grpc.BindableService;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.quiver.serving.auth.Access;
import io.quiver.serving.auth.AccessTable;
import io.quiver.serving.auth.ApiKeyAuthorizer;
import io.quiver.serving.auth.GrpcAuthInterceptor;
import io.quiver.serving.auth.RestAuthDecorator;
import io.quiver.serving.config.ConfigException;
import io.quiver.serving.config.ServerConfig;
import io.quiver.serving.grpc.GrpcErrorHandler;
import io.quiver.serving.grpc.QdrantService;
import io.quiver.serving.metrics.ServerMetrics;
import io.quiver.serving.rest.JsonBodyConverter;
import io.quiver.serving.rest.QdrantResponseConverter;
import io.quiver.serving.rest.RestErrorHandler;
import io.quiver.serving.rest.RestJson;
import io.quiver.serving.rest.ServiceApi;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Quiver node's network face: Qdrant's REST API on one port (6333) and its gRPC API, with
 * Quiver's own services, on another (6334), both served by Armeria.
 *
 * <p>The server owns what every endpoint shares, so that endpoint code only converts and delegates:
 *
 * <ul>
 *   <li>API keys, checked against {@link AccessTable} before any handler runs; the server will not
 *       build if it would serve an endpoint the table does not classify;
 *   <li>errors: handlers throw, and {@link io.quiver.serving.error.ApiErrors} picks the HTTP status
 *       and gRPC code; REST errors come in Qdrant's {@code {"status": {"error": ...}}} shape;
 *   <li>JSON ({@link RestJson}) and Qdrant's {@code {"result", "status", "time"}} envelope;
 *   <li>limits: request body size (413 / RESOURCE_EXHAUSTED) and the per-request timeout;
 *   <li>{@code /metrics} (Prometheus), TLS, graceful shutdown.
 * </ul>
 *
 * <p>Adding a REST endpoint: an object with Armeria-annotated methods ({@code @Get}, {@code @Post},
 * {@code @Param}, a record or {@code JsonNode} parameter for the body) passed to {@link
 * Builder#restService}; its handlers run on the blocking executor, so they may call the engine
 * directly (handlers that only read points: {@link Builder#restSearchService}, on the search pool;
 * gRPC methods that {@link AccessTable} classifies as reads go to the search pool by themselves).
 * Adding a gRPC service: a {@link BindableService} (an {@code *ImplBase} from {@code
 * io.qdrant:client} or {@code quiver-client}) passed to {@link Builder#grpcService}. Either way,
 * classify each endpoint in {@link AccessTable#standard()}.
 */
public final class QuiverServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QuiverServer.class);

  private final ServerConfig config;
  private final Server rest;
  private final Server grpc;
  private final ServerMetrics metrics;
  private final List<AutoCloseable> shutdownHooks;
  private final List<String> restEndpoints;
  private final List<String> grpcMethods;
  private final AtomicBoolean stopping;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private QuiverServer(
      ServerConfig config,
      Server rest,
      Server grpc,
      ServerMetrics metrics,
      List<AutoCloseable> shutdownHooks,
      List<String> restEndpoints,
      List<String> grpcMethods,
      AtomicBoolean stopping) {
    this.config = config;
    this.rest = rest;
    this.grpc = grpc;
    this.metrics = metrics;
    this.shutdownHooks = shutdownHooks;
    this.restEndpoints = restEndpoints;
    this.grpcMethods = grpcMethods;
    this.stopping = stopping;
  }

  public static Builder builder(ServerConfig config) {
    return new Builder(config);
  }

  /**
   * Binds both ports; returns once both accept connections.
   *
   * @throws ConfigException naming the port setting if a port cannot be bound (e.g. in use)
   */
  public QuiverServer start() {
    bind(rest, "service.http_port", config.service().httpPort());
    bind(grpc, "service.grpc_port", config.service().grpcPort());
    String scheme = config.service().enableTls() ? "https" : "http";
    log.info(
        "Quiver {} serving REST on {}://{}:{} and gRPC on {}:{} (API keys {})",
        ServerInfo.current().quiverVersion(),
        scheme,
        config.service().host(),
        httpPort(),
        config.service().host(),
        grpcPort(),
        config.service().authEnabled() ? "required" : "off");
    return this;
  }

  private void bind(Server server, String setting, int port) {
    try {
      server.start().join();
    } catch (CompletionException e) {
      close();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException(
          setting,
          "cannot listen on " + config.service().host() + ":" + port + ": " + cause.getMessage());
    }
  }

  /** The REST port actually bound (differs from the configured one when that is 0). */
  public int httpPort() {
    return rest.activeLocalPort();
  }

  /** The gRPC port actually bound. */
  public int grpcPort() {
    return grpc.activeLocalPort();
  }

  public ServerConfig config() {
    return config;
  }

  /** Where endpoint code registers its own meters; exposed on {@code /metrics}. */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** The REST endpoints served, as {@link AccessTable#restEndpoint} writes them. */
  public List<String> restEndpoints() {
    return restEndpoints;
  }

  /** The gRPC methods served, as full method names. */
  public List<String> grpcMethods() {
    return grpcMethods;
  }

  /** Completes when the server has stopped and its shutdown hooks have run. */
  public CompletableFuture<Void> whenClosed() {
    return closeFuture;
  }

  /**
   * Stops gracefully: new requests are refused while those in flight finish (Armeria's quiet period
   * and timeout), then the shutdown hooks run, last registered first (collections flush and close
   * there), then the metrics close.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      closeFuture.join();
      return;
    }
    stopping.set(true); // /readyz answers 503 from now on, so load balancers stop sending
    try {
      CompletableFuture.allOf(rest.stop(), grpc.stop()).join();
      for (int i = shutdownHooks.size() - 1; i >= 0; i--) {
        try {
          shutdownHooks.get(i).close();
        } catch (Exception e) {
          log.error("Shutdown hook {} failed", shutdownHooks.get(i), e);
        }
      }
      metrics.close();
      log.info("Quiver stopped");
    } finally {
      closeFuture.complete(null);
    }
  }

  /** Assembles a server; {@link #build} checks every endpoint against the access table. */
  public static final class Builder {
    private final ServerConfig config;
    private final List<Object> restServices = new ArrayList<>();
    private final List<Object> searchServices = new ArrayList<>();
    private final List<BindableService> grpcServices = new ArrayList<>();
    private final List<AutoCloseable> shutdownHooks = new ArrayList<>();
    private AccessTable accessTable = AccessTable.standard();
    private BooleanSupplier ready = () -> true;
    private Duration quietPeriod = Duration.ofSeconds(1);
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    private Builder(ServerConfig config) {
      this.config = config;
    }

    /** An object with Armeria-annotated handler methods, served on the REST port. */
    public Builder restService(Object annotatedService) {
      restServices.add(annotatedService);
      return this;
    }

    /**
     * Like {@link #restService}, for an object whose handlers only read points (search, query,
     * retrieve, scroll, count): they run on the search pool ({@code
     * storage.performance.max_search_threads}) rather than on Armeria's blocking executor, which
     * keeps the writes, file transfers and fsyncs.
     */
    public Builder restSearchService(Object annotatedService) {
      restServices.add(annotatedService);
      searchServices.add(annotatedService);
      return this;
    }

    /** A gRPC service, served on the gRPC port. */
    public Builder grpcService(BindableService service) {
      grpcServices.add(service);
      return this;
    }

    /** Replaces {@link AccessTable#standard()} (tests add their own endpoints to it). */
    public Builder accessTable(AccessTable table) {
      this.accessTable = table;
      return this;
    }

    /** What {@code /readyz} reports; ready by default. */
    public Builder readiness(BooleanSupplier ready) {
      this.ready = ready;
      return this;
    }

    /** Runs after the ports have stopped, in reverse order of registration. */
    public Builder onShutdown(AutoCloseable hook) {
      shutdownHooks.add(hook);
      return this;
    }

    /**
     * How long to wait for a moment without requests, and at most, before closing connections.
     * Defaults: 1 s and 30 s; tests use zero.
     */
    public Builder gracefulShutdown(Duration quietPeriod, Duration timeout) {
      this.quietPeriod = quietPeriod;
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * @throws io.quiver.serving.auth.UnclassifiedEndpointException if an endpoint is missing from
     *     the access table
     */
    public QuiverServer build() {
      ServerInfo info = ServerInfo.current();
      ApiKeyAuthorizer authorizer = ApiKeyAuthorizer.of(config.service());
      ServerMetrics metrics = new ServerMetrics();
      AtomicBoolean stopping = new AtomicBoolean();
      BlockingTaskExecutor searchPool =
          BlockingTaskExecutor.builder()
              .numThreads(config.storage().searchThreads())
              .threadNamePrefix("quiver-search")
              .build();
      try {
        Server rest = buildRest(info, authorizer, metrics, stopping, searchPool);
        List<ServerServiceDefinition> definitions = new ArrayList<>();
        definitions.add(new QdrantService(info).bindService());
        grpcServices.forEach(s -> definitions.add(s.bindService()));
        GrpcService grpcReads =
            buildGrpcService(authorizer, partition(definitions, true), false, !searchInline());
        GrpcService grpcOthers =
            buildGrpcService(authorizer, partition(definitions, false), true, true);
        ServerBuilder gsb =
            // No limit on the HTTP stream: the gRPC service limits each message, so that an
            // oversized one is RESOURCE_EXHAUSTED rather than an HTTP 413 clients cannot read.
            common(Server.builder(), config.service().grpcPort(), metrics.grpcServerRegistry())
                .maxRequestLength(0)
                .service(grpcOthers);
        if (!grpcReads.services().isEmpty()) {
          ServiceBindingBuilder reads = gsb.route();
          grpcReads.routes().forEach(reads::addRoute);
          if (!searchInline()) {
            reads.blockingTaskExecutor(searchPool, false);
          }
          reads.build(grpcReads);
        }
        Server grpc = gsb.decorator(metrics.grpcRequests()).build();
        List<String> restEndpoints = restEndpoints(rest);
        List<String> grpcMethods = new ArrayList<>(grpcMethods(grpcOthers));
        grpcMethods.addAll(grpcMethods(grpcReads));
        accessTable.requireClassified(restEndpoints, grpcMethods);
        List<AutoCloseable> hooks = new ArrayList<>();
        hooks.add(searchPool::shutdown); // runs last: hooks run in reverse
        hooks.addAll(shutdownHooks);
        return new QuiverServer(
            config,
            rest,
            grpc,
            metrics,
            List.copyOf(hooks),
            restEndpoints,
            List.copyOf(grpcMethods),
            stopping);
      } catch (RuntimeException e) {
        searchPool.shutdown();
        metrics.close();
        throw e;
      }
    }

    /**
     * Whether reads run on the event loop that received them rather than on the search pool: when
     * the pool would have one thread. Handing a request to another thread buys parallelism across
     * cores; with one search thread there is none to buy, and the hand-off (a wake-up each way, a
     * flush per response instead of one per batch of reads) was half of a gRPC search's overhead on
     * a one-core node (benchmarks/RESULTS.md, "Serving overhead").
     */
    private boolean searchInline() {
      return config.storage().searchThreads() == 1;
    }

    /**
     * The methods of {@code services} that the access table classifies as reads ({@code reads}
     * true) or all the others (false), as service definitions of their own: reads run on the search
     * pool, the others on Armeria's blocking executor.
     */
    private List<ServerServiceDefinition> partition(
        List<ServerServiceDefinition> services, boolean reads) {
      List<ServerServiceDefinition> out = new ArrayList<>();
      for (ServerServiceDefinition service : services) {
        ServerServiceDefinition.Builder part =
            ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        boolean any = false;
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
          String name = method.getMethodDescriptor().getFullMethodName();
          boolean read = accessTable.grpc(name).filter(a -> a == Access.READ).isPresent();
          if (read == reads) {
            part.addMethod(method);
            any = true;
          }
        }
        if (any) {
          out.add(part.build());
        }
      }
      return out;
    }

    private Server buildRest(
        ServerInfo info,
        ApiKeyAuthorizer authorizer,
        ServerMetrics metrics,
        AtomicBoolean stopping,
        BlockingTaskExecutor searchPool) {
      RestErrorHandler errors = new RestErrorHandler();
      ServerBuilder sb =
          common(Server.builder(), config.service().httpPort(), metrics.restServerRegistry());
      sb.errorHandler(errors);
      List<Object> services = new ArrayList<>();
      services.add(new ServiceApi(info, () -> !stopping.get() && ready.getAsBoolean()));
      services.addAll(restServices);
      for (Object service : services) {
        var binding =
            sb.annotatedService()
                .requestConverters(new JsonBodyConverter())
                .responseConverters(new QdrantResponseConverter())
                .exceptionHandlers(errors)
                .useBlockingTaskExecutor(true);
        if (searchServices.contains(service)) {
          if (searchInline()) {
            binding.useBlockingTaskExecutor(false);
          } else {
            binding.blockingTaskExecutor(searchPool, false);
          }
        }
        binding.build(service);
      }
      sb.route().get("/metrics").build(metrics.exposition());
      // The last decorator added is the outermost: metrics see the requests auth refuses, too.
      sb.decorator(new RestAuthDecorator(accessTable, authorizer));
      sb.decorator(metrics.restRequests());
      return sb.build();
    }

    private GrpcService buildGrpcService(
        ApiKeyAuthorizer authorizer,
        List<ServerServiceDefinition> services,
        boolean health,
        boolean blocking) {
      GrpcServiceBuilder gb =
          GrpcService.builder()
              .enableHealthCheckService(health)
              .intercept(new GrpcAuthInterceptor(accessTable, authorizer))
              .exceptionHandler(new GrpcErrorHandler())
              .useBlockingTaskExecutor(blocking)
              .maxRequestMessageLength((int) config.service().maxRequestSizeBytes());
      services.forEach(gb::addService);
      return gb.build();
    }

    /** What both ports share: address, TLS, limits, timeout, shutdown, metrics. */
    private ServerBuilder common(ServerBuilder sb, int port, MeterRegistry meterRegistry) {
      ServerConfig.Service service = config.service();
      SessionProtocol protocol = service.enableTls() ? SessionProtocol.HTTPS : SessionProtocol.HTTP;
      sb.port(new ServerPort(new InetSocketAddress(service.host(), port), protocol));
      if (service.enableTls()) {
        File cert = config.tls().cert().orElseThrow().toFile();
        File key = config.tls().key().orElseThrow().toFile();
        sb.tls(cert, key);
      }
      // One line per request on the logger com.linecorp.armeria.logging.access, which logback.xml
      // keeps off unless QUIVER_ACCESS_LOG=INFO.
      sb.accessLogWriter(AccessLogWriter.combined(), true);
      return sb.maxRequestLength(service.maxRequestSizeBytes())
          .requestTimeout(config.strictMode().maxTimeout())
          .gracefulShutdownTimeout(quietPeriod, shutdownTimeout)
          .meterRegistry(meterRegistry)
          // ApiErrors logs the unexpected failures; the expected ones (4xx) need no report.
          .unloggedExceptionsReportInterval(Duration.ZERO);
    }

    private static List<String> restEndpoints(Server rest) {
      List<String> endpoints = new ArrayList<>();
      for (ServiceConfig service : rest.config().serviceConfigs()) {
        Route route = service.route();
        if (route.isFallback()) {
          continue;
        }
        for (HttpMethod method : route.methods()) {
          endpoints.add(AccessTable.restEndpoint(method, route.patternString()));
        }
      }
      return List.copyOf(endpoints);
    }

    private static List<String> grpcMethods(GrpcService grpcService) {
      List<String> methods = new ArrayList<>();
      for (ServerServiceDefinition service : grpcService.services()) {
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
          methods.add(method.getMethodDescriptor().getFullMethodName());
        }
      }
      return List.copyOf(methods);
    }
  }
}

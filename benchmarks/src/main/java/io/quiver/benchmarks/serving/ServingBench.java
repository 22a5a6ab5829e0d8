package io.quiver.benchmarks.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Points.SearchPoints;
import io.quiver.benchmarks.data.GaussianMixture;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.engine.store.FileTrees;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Serving overhead (issue 5): one node on loopback, one query per request, k = 10, no payload.
 *
 * <p>For each dataset it builds an embedded collection (indexed), measures the embedded engine's
 * closed-loop QPS with {@code threads} callers, publishes the same collection to an in-process node
 * (snapshot + recover), measures the served closed-loop QPS over gRPC (the official Qdrant Java
 * client) and REST ({@code java.net.http}) with the same number of callers, and then drives each
 * protocol open-loop at fixed offered rates (fractions of its closed-loop QPS), timing each request
 * from the moment it was due, so a stalled server shows up as latency (no coordinated omission).
 * The client shares the machine with the server, as a sidecar would.
 */
public final class ServingBench {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final int MAX_WARMUP_ROUNDS = 20;

  /** The machine's cores, read before the load generator is pinned to some of them. */
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  record Options(
      List<String> datasets,
      int threads,
      int concurrency,
      int k,
      long durationMs,
      long warmupMs,
      double[] rateFractions,
      int queries,
      long seed,
      Path workDir,
      String resultsMd,
      String command,
      String pin,
      List<String> protocols,
      int searchThreads) {}

  /**
   * @param nodeCpuUs the node's CPU per request, in microseconds: its whole process when pinned,
   *     else the threads of Armeria and the search pool
   * @param clientCpuUs the load generator's CPU per request (callers, client transport)
   * @param nodeGroups the node's CPU by thread group when pinned, else null
   * @param calls requests answered in the measurement
   */
  record ClosedLoop(
      String protocol,
      double qps,
      double nodeCpuUs,
      double clientCpuUs,
      PinnedNode.ThreadGroups nodeGroups,
      long calls) {

    /** Microseconds per request of one of the node's thread groups; NaN when not known. */
    double perRequestUs(java.util.function.ToLongFunction<PinnedNode.ThreadGroups> group) {
      return nodeGroups == null ? Double.NaN : group.applyAsLong(nodeGroups) / 1e3 / calls;
    }
  }

  record OpenLoop(String protocol, double offered, double achieved, double p50Ms, double p99Ms) {}

  record DatasetResult(
      String dataset,
      int n,
      int dim,
      double embeddedQps,
      double embeddedCpuUs,
      String placement,
      List<ClosedLoop> closed,
      List<OpenLoop> open) {}

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    List<DatasetResult> results = new ArrayList<>();
    for (String dataset : o.datasets()) {
      results.add(run(dataset, o));
    }
    String report = report(results, o);
    System.out.println(report);
    if (o.resultsMd() != null) {
      ResultsSection.replace(Path.of(o.resultsMd()), "## Serving overhead (issue 5)", report);
      System.err.println(">> wrote " + o.resultsMd());
    }
    System.exit(0); // the gRPC client's threads are not daemons
  }

  /**
   * Builds the embedded collection of {@code n} points and its snapshot. The points are generated
   * here and dropped on return, so that the load generator does not carry them (a million vectors
   * in its heap) through the measurement.
   */
  private static void build(
      GaussianMixture gmm, int n, CollectionConfig config, Path dir, Path snapshot)
      throws IOException {
    float[][] base = gmm.base(n);
    try (QuiverCollection embedded = QuiverCollection.create(dir, config)) {
      List<Point> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("i", i);
        batch.add(Point.of(PointId.of(i), base[i], payload));
        if (batch.size() == 1000 || i == n - 1) {
          embedded.upsert(batch, false);
          batch = new ArrayList<>();
        }
      }
      embedded.optimize();
      embedded.snapshot(snapshot);
    }
  }

  static DatasetResult run(String dataset, Options o) throws Exception {
    String[] parts = dataset.split("-"); // gmm-<n>-<dim>
    int n = parseCount(parts[1]);
    int dim = Integer.parseInt(parts[2]);
    GaussianMixture gmm = new GaussianMixture(o.seed(), dim, 64, false);
    float[][] queries = gmm.queries(o.queries());
    String distance = dim >= 512 ? "Cosine" : "Euclid";
    Path work = Files.createTempDirectory(o.workDir(), "serving-bench-");
    System.err.printf(
        Locale.ROOT, ">> %s: building the embedded collection (%s)%n", dataset, distance);
    CollectionConfig config =
        CollectionConfig.fromJson(
            MAPPER.readTree(
                "{\"vectors\": {\"size\": "
                    + dim
                    + ", \"distance\": \""
                    + distance
                    + "\"},"
                    + " \"hnsw_config\": {\"m\": 16, \"ef_construct\": 100}}"));
    Path snapshot = work.resolve("snapshot");
    Path embeddedDir = work.resolve("embedded");
    build(gmm, n, config, embeddedDir, snapshot);
    List<List<Long>> expected = new ArrayList<>();
    try (QuiverCollection embedded = QuiverCollection.open(embeddedDir)) {
      for (int q = 0; q < 20; q++) {
        expected.add(
            embedded.search(SearchRequest.of(queries[q], o.k())).stream()
                .map(ScoredPoint::id)
                .map(PointId::num)
                .toList());
      }
    }

    List<ClosedLoop> closed = new ArrayList<>();
    List<OpenLoop> open = new ArrayList<>();
    try (NodeUnderTest node =
        o.pin() == null
            ? NodeUnderTest.InProcess.start(o, embeddedDir, snapshot, work.resolve("node"), queries)
            : NodeUnderTest.Pinned.start(o, dim, embeddedDir, snapshot, work)) {
      System.err.printf(
          Locale.ROOT,
          ">> embedded: %.0f QPS, %.0f us CPU per query%n",
          node.embeddedQps,
          node.embeddedCpuUs);
      QdrantClient grpc =
          new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", node.grpcPort, false).build());
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI searchUri =
          URI.create("http://127.0.0.1:" + node.httpPort + "/collections/bench/points/search");
      byte[][] bodies = new byte[queries.length][];
      SearchPoints[] requests = new SearchPoints[queries.length];
      for (int q = 0; q < queries.length; q++) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        var v = body.putArray("vector");
        SearchPoints.Builder b =
            SearchPoints.newBuilder().setCollectionName("bench").setLimit(o.k());
        for (float f : queries[q]) {
          v.add(f);
          b.addVector(f);
        }
        body.put("limit", o.k());
        bodies[q] = MAPPER.writeValueAsBytes(body);
        requests[q] = b.build();
      }
      checkSame(grpc, http, searchUri, requests, bodies, expected);

      Map<String, Caller> callers =
          Map.of(
              "gRPC",
              new Caller() {
                @Override
                public int call(int q) throws Exception {
                  return grpc.searchAsync(requests[q]).get().size();
                }

                @Override
                public CompletableFuture<?> callAsync(int q) {
                  CompletableFuture<Object> f = new CompletableFuture<>();
                  var future = grpc.searchAsync(requests[q]);
                  future.addListener(
                      () -> {
                        try {
                          f.complete(future.get());
                        } catch (Exception e) {
                          f.completeExceptionally(e);
                        }
                      },
                      Runnable::run);
                  return f;
                }
              },
              "REST",
              new Caller() {
                @Override
                public int call(int q) throws Exception {
                  HttpResponse<byte[]> r =
                      http.send(
                          post(searchUri, bodies[q]), HttpResponse.BodyHandlers.ofByteArray());
                  return check(r).get("result").size();
                }

                @Override
                public CompletableFuture<?> callAsync(int q) {
                  return http.sendAsync(
                          post(searchUri, bodies[q]), HttpResponse.BodyHandlers.ofByteArray())
                      .thenApply(ServingBench::check);
                }
              });
      for (String protocol : o.protocols()) {
        Caller caller = callers.get(protocol);
        warmUp(
            protocol,
            o.concurrency(),
            o.warmupMs(),
            caller::call,
            queries.length,
            () -> node.cpu().nodeNanos());
        NodeUnderTest.Cpu before = node.cpu();
        Run run = runFor(o.concurrency(), o.durationMs(), caller::call, queries.length);
        NodeUnderTest.Cpu used = node.cpu().minus(before);
        double qps = run.qps();
        long calls = run.calls();
        ClosedLoop c =
            new ClosedLoop(
                protocol,
                qps,
                used.nodeNanos() / 1e3 / calls,
                used.clientNanos() / 1e3 / calls,
                used.nodeGroups(),
                calls);
        closed.add(c);
        System.err.printf(
            Locale.ROOT,
            ">> %s closed loop: %.0f QPS; CPU per request: node %.0f us (event loops %.0f, search"
                + " pool %.0f, JIT and GC %.0f), client %.0f us%n",
            protocol,
            qps,
            c.nodeCpuUs(),
            c.perRequestUs(PinnedNode.ThreadGroups::eventLoops),
            c.perRequestUs(PinnedNode.ThreadGroups::searchPool),
            c.perRequestUs(PinnedNode.ThreadGroups::jvm),
            c.clientCpuUs());
        for (double fraction : o.rateFractions()) {
          OpenLoop r = openLoop(o, protocol, caller, fraction * qps, queries.length);
          open.add(r);
          System.err.printf(
              Locale.ROOT,
              ">> %s open loop at %.0f/s: %.0f/s, p50 %.2f ms, p99 %.2f ms%n",
              protocol,
              r.offered(),
              r.achieved(),
              r.p50Ms(),
              r.p99Ms());
        }
      }
      grpc.close();
      return new DatasetResult(
          dataset, n, dim, node.embeddedQps, node.embeddedCpuUs, node.placement(), closed, open);
    } finally {
      FileTrees.delete(work);
    }
  }

  interface Caller {
    int call(int q) throws Exception;

    CompletableFuture<?> callAsync(int q);
  }

  interface Query {
    int call(int q) throws Exception;
  }

  private static HttpRequest post(URI uri, byte[] body) {
    return HttpRequest.newBuilder(uri)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static JsonNode check(HttpResponse<byte[]> r) {
    try {
      JsonNode json = MAPPER.readTree(r.body());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode() + ": " + json);
      }
      return json;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The served answers are the embedded engine's ({@code expected}: ids of the first queries). */
  private static void checkSame(
      QdrantClient grpc,
      HttpClient http,
      URI searchUri,
      SearchPoints[] requests,
      byte[][] bodies,
      List<List<Long>> expected)
      throws Exception {
    for (int q = 0; q < expected.size(); q++) {
      List<Long> viaGrpc =
          grpc.searchAsync(requests[q]).get().stream().map(p -> p.getId().getNum()).toList();
      JsonNode rest =
          check(http.send(post(searchUri, bodies[q]), HttpResponse.BodyHandlers.ofByteArray()));
      List<Long> viaRest = new ArrayList<>();
      rest.get("result").forEach(p -> viaRest.add(p.get("id").asLong()));
      if (!expected.get(q).equals(viaGrpc) || !expected.get(q).equals(viaRest)) {
        throw new IllegalStateException(
            "query "
                + q
                + ": embedded "
                + expected.get(q)
                + ", gRPC "
                + viaGrpc
                + ", REST "
                + viaRest);
      }
    }
  }

  /**
   * Warms up in rounds of {@code roundMs} until the CPU per call ({@code cpuNanos}, read before and
   * after each round) settles: three rounds in a row within 3 % of each other, at most {@value
   * #MAX_WARMUP_ROUNDS} rounds. A JIT still compiling shows up as CPU per call, and on a node
   * pinned to one core it competes with the requests: there the gRPC path takes about 30 s to
   * settle, so a fixed warm-up of a few seconds measures the compiler.
   */
  static void warmUp(
      String what, int threads, long roundMs, Query query, int queryCount, LongSupplier cpuNanos)
      throws Exception {
    double last = Double.NaN;
    int steady = 0;
    for (int round = 1; round <= MAX_WARMUP_ROUNDS; round++) {
      long cpuBefore = cpuNanos.getAsLong();
      Run run = runFor(threads, roundMs, query, queryCount);
      double perCall = (double) (cpuNanos.getAsLong() - cpuBefore) / run.calls();
      System.err.printf(
          Locale.ROOT,
          ">> %s warm-up round %d: %.0f QPS, %.0f us CPU per call%n",
          what,
          round,
          run.qps(),
          perCall / 1e3);
      steady = Math.abs(perCall - last) <= 0.03 * last ? steady + 1 : 0;
      if (steady == 2) {
        return;
      }
      last = perCall;
    }
  }

  /**
   * The embedded engine's closed-loop figures: queries per second and CPU microseconds per query,
   * every thread of the process counted (JIT and GC too).
   */
  record Embedded(double qps, double cpuUsPerQuery) {

    /**
     * Warms up until steady, then measures {@code threads} callers on the collection in {@code
     * dir}.
     */
    static Embedded measure(
        Path dir, float[][] queries, int k, int threads, long warmupMs, long durationMs)
        throws Exception {
      try (QuiverCollection embedded = QuiverCollection.open(dir)) {
        Query search = q -> embedded.search(embeddedSearch(queries[q], k)).size();
        warmUp("embedded", threads, warmupMs, search, queries.length, PinnedNode.ProcessCpu::self);
        long cpuBefore = PinnedNode.ProcessCpu.self();
        Run run = runFor(threads, durationMs, search, queries.length);
        return new Embedded(
            run.qps(), (PinnedNode.ProcessCpu.self() - cpuBefore) / 1e3 / run.calls());
      }
    }
  }

  /**
   * The embedded engine's side of a served search: what a served request without {@code
   * with_payload} or {@code with_vector} asks the collection for.
   */
  static SearchRequest embeddedSearch(float[] query, int k) {
    return new SearchRequest(
        "", query, k, 0, io.quiver.engine.hnsw.SearchParams.DEFAULT, null, false, false, null);
  }

  /** What a closed-loop run did: how many calls answered, in how many seconds. */
  record Run(long calls, double seconds) {
    double qps() {
      return calls / seconds;
    }
  }

  /** Runs {@code threads} callers, each waiting for its answer, for {@code millis}. */
  static Run runFor(int threads, long millis, Query query, int queryCount) throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long deadline = System.nanoTime() + millis * 1_000_000L;
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int offset = t * 7919;
      Thread worker =
          new Thread(
              () -> {
                int q = offset;
                try {
                  while (System.nanoTime() < deadline) {
                    if (query.call(q++ % queryCount) <= 0) {
                      throw new IllegalStateException("a query returned nothing");
                    }
                    done.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      worker.start();
      workers.add(worker);
    }
    for (Thread w : workers) {
      w.join();
    }
    if (failure.get() != null) {
      throw new ExecutionException(failure.get());
    }
    return new Run(done.get(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * Sends at {@code rate} per second on a fixed schedule for the configured duration; latency runs
   * from when a request was due to when its answer arrived.
   */
  static OpenLoop openLoop(Options o, String protocol, Caller caller, double rate, int queryCount)
      throws Exception {
    long intervalNanos = (long) (1e9 / rate);
    int total = (int) (o.durationMs() / 1000.0 * rate);
    long[] latencies = new long[total];
    AtomicInteger completed = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    long start = System.nanoTime() + 50_000_000L;
    CompletableFuture<Void> all = new CompletableFuture<>();
    AtomicLong lastDone = new AtomicLong();
    try {
      for (int i = 0; i < total; i++) {
        int index = i;
        long due = start + i * intervalNanos;
        ticker.schedule(
            () -> {
              caller
                  .callAsync(index % queryCount)
                  .whenComplete(
                      (r, e) -> {
                        long now = System.nanoTime();
                        if (e != null) {
                          failure.compareAndSet(null, e);
                        }
                        latencies[index] = now - due;
                        lastDone.accumulateAndGet(now, Math::max);
                        if (completed.incrementAndGet() == total) {
                          all.complete(null);
                        }
                      });
            },
            due - System.nanoTime(),
            TimeUnit.NANOSECONDS);
      }
      all.get(o.durationMs() * 10 + 30_000, TimeUnit.MILLISECONDS);
    } finally {
      ticker.shutdownNow();
    }
    if (failure.get() != null) {
      throw new ExecutionException(protocol + " request failed", failure.get());
    }
    Arrays.sort(latencies);
    double achieved = total / ((lastDone.get() - start) / 1e9);
    return new OpenLoop(
        protocol,
        rate,
        achieved,
        latencies[(int) (total * 0.50)] / 1e6,
        latencies[Math.min(total - 1, (int) (total * 0.99))] / 1e6);
  }

  static String report(List<DatasetResult> results, Options o) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Serving overhead (issue 5)\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "`%s` — %s, JDK %s, %d cores, k=%d, one query per request, no payload; %s."
                + " Embedded: %d thread(s) calling the collection; served: %d requests in flight"
                + " (callers waiting for answers), so the node's own threads are kept busy.%n%n",
            o.command(),
            java.time.LocalDate.now(),
            System.getProperty("java.version"),
            CORES,
            o.k(),
            results.isEmpty() ? "" : results.get(0).placement(),
            o.threads(),
            o.concurrency()));
    sb.append(
        "| dataset | embedded QPS | embedded CPU us/query | protocol | served QPS | served /"
            + " embedded | node CPU us/request | of which event loops / search pool / JIT+GC |"
            + " client CPU us/request |\n");
    sb.append("|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
    for (DatasetResult r : results) {
      for (ClosedLoop c : r.closed()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %s | %.0f | %.2f | %.0f | %s | %.0f |%n",
                r.dataset(),
                r.embeddedQps(),
                r.embeddedCpuUs(),
                c.protocol(),
                c.qps(),
                c.qps() / r.embeddedQps(),
                c.nodeCpuUs(),
                c.nodeGroups() == null
                    ? "-"
                    : String.format(
                        Locale.ROOT,
                        "%.0f / %.0f / %.0f",
                        c.perRequestUs(PinnedNode.ThreadGroups::eventLoops),
                        c.perRequestUs(PinnedNode.ThreadGroups::searchPool),
                        c.perRequestUs(PinnedNode.ThreadGroups::jvm)),
                c.clientCpuUs()));
      }
    }
    sb.append("\nOpen loop (latency from the scheduled send time):\n\n");
    sb.append("| dataset | protocol | offered /s | achieved /s | p50 ms | p99 ms |\n");
    sb.append("|---|---|---:|---:|---:|---:|\n");
    for (DatasetResult r : results) {
      for (OpenLoop l : r.open()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %.0f | %.0f | %.2f | %.2f |%n",
                r.dataset(),
                l.protocol(),
                l.offered(),
                l.achieved(),
                l.p50Ms(),
                l.p99Ms()));
      }
    }
    return sb.toString();
  }

  private static int parseCount(String s) {
    s = s.toLowerCase(Locale.ROOT);
    if (s.endsWith("k")) {
      return Integer.parseInt(s.substring(0, s.length() - 1)) * 1000;
    }
    if (s.endsWith("m")) {
      return Integer.parseInt(s.substring(0, s.length() - 1)) * 1_000_000;
    }
    return Integer.parseInt(s);
  }

  static Options parse(String[] args) {
    List<String> datasets = List.of("gmm-1m-128", "gmm-100k-768");
    int threads = -1;
    int concurrency = 8;
    String pin = CORES >= 2 && tasksetWorks() ? defaultPin() : "none";
    List<String> protocols = List.of("gRPC", "REST");
    int searchThreads = 0;
    int k = 10;
    long duration = 10_000;
    long warmup = 3_000;
    double[] fractions = {0.25, 0.5, 0.75};
    int queries = 1000;
    long seed = 42;
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    String results = null;
    String command = "benchmarks/serving.sh";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> {
          datasets = List.of("gmm-20k-128", "gmm-5k-768");
          duration = 3_000;
          warmup = 1_000;
        }
        case "--datasets" -> datasets = List.of(args[++i].split(","));
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--k" -> k = Integer.parseInt(args[++i]);
        case "--duration-ms" -> duration = Long.parseLong(args[++i]);
        case "--warmup-ms" -> warmup = Long.parseLong(args[++i]);
        case "--rates" ->
            fractions =
                Arrays.stream(args[++i].split(",")).mapToDouble(Double::parseDouble).toArray();
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--work-dir" -> workDir = Path.of(args[++i]);
        case "--results-md" -> results = args[++i];
        case "--command" -> command = args[++i];
        case "--pin" -> pin = args[++i];
        case "--protocols" -> protocols = List.of(args[++i].split(","));
        case "--search-threads" -> searchThreads = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (!pin.equals("none") && !pin.matches("[0-9,-]+/[0-9,-]+")) {
      throw new IllegalArgumentException(
          "--pin wants NODE_CPUS/CLIENT_CPUS (e.g. 1/0) or none, not " + pin);
    }
    for (String p : protocols) {
      if (!p.equals("gRPC") && !p.equals("REST")) {
        throw new IllegalArgumentException("--protocols takes gRPC and/or REST, not " + p);
      }
    }
    if (threads < 0) {
      threads = pin.equals("none") ? Math.min(2, CORES) : cpuCount(pin.split("/")[0]);
    }
    return new Options(
        datasets,
        threads,
        concurrency,
        k,
        duration,
        warmup,
        fractions,
        queries,
        seed,
        workDir,
        results,
        command,
        pin.equals("none") ? null : pin,
        protocols,
        searchThreads);
  }

  /** The upper half of the cores for the node, the lower half for the load generator. */
  private static String defaultPin() {
    int half = CORES / 2;
    String node = half + (CORES - 1 > half ? "-" + (CORES - 1) : "");
    String client = "0" + (half - 1 > 0 ? "-" + (half - 1) : "");
    return node + "/" + client;
  }

  /** How many CPUs a taskset list such as {@code 2-3,6} names. */
  static int cpuCount(String list) {
    int count = 0;
    for (String part : list.split(",")) {
      String[] range = part.split("-");
      count += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
    }
    return count;
  }

  private static boolean tasksetWorks() {
    try {
      return new ProcessBuilder("taskset", "-p", Long.toString(ProcessHandle.current().pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor()
          == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Replaces one "## ..." section of a markdown file, or appends it. A section ends at the next "##
   * " heading or at another harness's {@code <!-- bench:begin ... -->} marker, which stays.
   */
  static final class ResultsSection {
    private static int nextSection(String text, int from) {
      int heading = text.indexOf("\n## ", from);
      int marker = text.indexOf("\n<!-- bench:begin", from);
      if (heading < 0 || (marker >= 0 && marker < heading)) {
        return marker;
      }
      return heading;
    }

    static void replace(Path file, String heading, String section) throws IOException {
      String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      int start = text.indexOf(heading);
      if (start < 0) {
        text = text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + "\n" + section;
      } else {
        int end = nextSection(text, start + heading.length());
        text = text.substring(0, start) + section + (end < 0 ? "" : "\n" + text.substring(end + 1));
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    }
  }
}

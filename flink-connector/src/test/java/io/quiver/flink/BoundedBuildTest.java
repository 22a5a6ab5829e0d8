package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.engine.snapshot.ManifestCodec;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.vector.VecFiles;
import io.quiver.flink.build.QuiverBuildSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.function.SerializableFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bounded build on a MiniCluster: two writers, several checkpoints (the source lets a batch of
 * records out per checkpoint, so writers spill and restore), and a failure injected once: the
 * version it commits holds exactly the input's final state, opens in the engine with the recall of
 * a segment built in-process, and a node serves it once published.
 */
@ExtendWith(SharedNode.class)
class BoundedBuildTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final ChangeStream STREAM = new ChangeStream(1_000, 12);

  @TempDir static Path root;
  @TempDir static Path scratch;

  private static TestNode node;

  @BeforeAll
  static void useNode(TestNode shared) {
    node = shared;
  }

  enum Failure {
    NONE,
    /** A map before the sink throws halfway through the input, after checkpoints completed. */
    IN_MAP,
    /** The map throws from the first notifyCheckpointComplete past halfway. */
    IN_CHECKPOINT_COMPLETE
  }

  /**
   * Out-of-order versions, deletes followed by stale upserts, three shards over two writers: every
   * id ends as its newest write, deleted ids are absent, and nothing but the version's files is
   * left under its folder.
   */
  @ParameterizedTest
  @EnumSource(Failure.class)
  void aChangeStreamBuildsExactlyItsFinalState(Failure failure) throws Exception {
    assertTrue(STREAM.deletesFollowedByStaleUpserts() > 0, "the stream tests resurrection");
    String collection = "changes_" + failure.name().toLowerCase();
    QuiverBuildSink<Long> sink = changeStreamSink(collection);
    run(sink, STREAM.size(), 1_000, failure);
    assertEquals(failure != Failure.NONE, FailOnce.failed.get(), "the injected failure happened");
    assertBuiltTheStreamsFinalState(collection, sink);
  }

  /** In BATCH execution (no checkpoints, nothing spilled remotely) the version is the same. */
  @org.junit.jupiter.api.Test
  void batchExecutionBuildsTheSameState() throws Exception {
    QuiverBuildSink<Long> sink = changeStreamSink("changes_batch");
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.fromSequence(0, STREAM.size() - 1).setParallelism(1).sinkTo(sink).setParallelism(2);
    env.execute("quiver bounded build, batch");
    assertBuiltTheStreamsFinalState("changes_batch", sink);
  }

  private static QuiverBuildSink<Long> changeStreamSink(String collection) {
    return QuiverBuildSink.<Long>builder()
        .setPath(root.toUri().toString())
        .setCollection(collection)
        .setConfig("{\"vectors\": {\"size\": 4, \"distance\": \"Euclid\"}}")
        .setShards(3)
        .setRecordConverter(STREAM::record)
        .build();
  }

  /**
   * The version holds exactly the stream's final state (every id its newest write, deleted ids
   * absent), and its folder nothing but the files its manifest lists.
   */
  private static void assertBuiltTheStreamsFinalState(String collection, QuiverBuildSink<Long> sink)
      throws Exception {
    SnapshotManifest manifest = manifest(collection, sink.version());
    assertEquals(sink.buildId(), manifest.jobId());
    assertEquals(3, manifest.shards().size());
    assertEquals(expectedFiles(manifest), files(versionDir(collection, sink.version())));

    Map<Long, Long> newest = STREAM.finalWrites();
    List<String> wrong = new ArrayList<>();
    long live = 0;
    try (QuiverCollection c = restore(collection, sink.version())) {
      List<PointId> ids = new ArrayList<>();
      for (long id = 0; id < STREAM.ids; id++) {
        ids.add(PointId.of(id));
      }
      Map<Long, PointRecord> points = new java.util.HashMap<>();
      for (PointRecord r : c.retrieve(ids, true, true)) {
        points.put(r.id().num(), r);
      }
      for (long id = 0; id < STREAM.ids; id++) {
        long s = newest.get(id);
        PointRecord p = points.get(id);
        if (STREAM.isDelete(s)) {
          if (p != null) {
            wrong.add(id + ": deleted at " + s + " but holds " + p.payload());
          }
          continue;
        }
        live++;
        if (p == null) {
          wrong.add(id + ": missing; upserted at " + s);
        } else if (p.payload().get("s").asLong() != s
            || !Arrays.equals(ChangeStream.vector(s, id), p.vectors().get(""))) {
          wrong.add(id + ": holds " + p.payload() + "; upserted at " + s);
        }
      }
      assertEquals(List.of(), wrong);
      assertEquals(live, c.count());
    }
    assertEquals(live, manifest.pointCount());
  }

  /**
   * The real data sets, built through Flink with a failure injected, opened with the engine:
   * recall@10 against the exact ground truth; then published to a node, which serves every point.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "sift5k-ngt/sift5k, Euclid, l2, 128",
    "cohere-wiki-768-1k/cohere1k, Dot, ip, 768",
  })
  void realDataBuildsWithRecallAndIsServedOncePublished(
      String set, String distance, String truth, int dim) throws Exception {
    RealData data = RealData.load(set, truth);
    assertEquals(dim, data.base[0].length);
    RealData.current = data;
    String collection = set.substring(set.indexOf('/') + 1);
    QuiverBuildSink<Long> sink =
        QuiverBuildSink.<Long>builder()
            .setPath(root.toUri().toString())
            .setCollection(collection)
            .setConfig(
                "{\"vectors\": {\"size\": "
                    + dim
                    + ", \"distance\": \""
                    + distance
                    + "\"}, \"hnsw_config\": {\"full_scan_threshold\": 0}}")
            .setShards(2)
            .setPayloadIndex("bucket", "integer")
            .setRecordConverter(new RealData.Upserts())
            .setPublish(node.restAddress())
            .build();
    run(sink, data.base.length, 1_000, Failure.IN_MAP);
    assertTrue(FailOnce.failed.get(), "the injected failure happened");

    try (QuiverCollection c = restore(collection, sink.version())) {
      assertEquals(data.base.length, c.count());
      double atDefault = data.recall(c, SearchParams.DEFAULT);
      double at200 = data.recall(c, SearchParams.ef(200));
      double exact = data.recall(c, SearchParams.DEFAULT.withExact(true));
      System.out.printf(
          "%s, 2 shards built by Flink: recall@10 = %.4f at the default ef, %.4f at ef 200, %.4f"
              + " exact, over %d queries%n",
          set, atDefault, at200, exact, data.queries.length);
      // As in the Spark build's test: SIFT 5k's queries lie far from its base; ef 200 is where
      // every HNSW library reaches 0.95 on them (benchmarks/RESULTS.md).
      assertTrue(at200 >= 0.95, "recall@10 at ef 200 = " + at200);
      assertTrue(exact >= 0.999, "exact recall@10 = " + exact);
    }
    assertEquals(data.base.length, node.count(collection), "points the node serves");
  }

  /** Positions {@code [0, n)} from one source subtask, {@code perCheckpoint} per checkpoint. */
  private static void run(QuiverBuildSink<Long> sink, long n, int perCheckpoint, Failure failure)
      throws Exception {
    FailOnce.reset(failure, n / 2);
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(50));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ZERO);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    DataGeneratorSource<Long> source =
        new DataGeneratorSource<>(
            s -> s, n, RateLimiterStrategy.perCheckpoint(perCheckpoint), Types.LONG);
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "positions")
        .setParallelism(1)
        .map(new FailOnce())
        .setParallelism(1)
        .sinkTo(sink)
        .setParallelism(2)
        .name("quiver build");
    env.execute("quiver bounded build");
  }

  /** Throws once, in the map or in notifyCheckpointComplete, after half the input went through. */
  static final class FailOnce extends RichMapFunction<Long, Long> implements CheckpointListener {

    static volatile Failure failure = Failure.NONE;
    static volatile long after;
    static final AtomicBoolean failed = new AtomicBoolean();
    private long seen;

    static void reset(Failure kind, long failAfter) {
      failure = kind;
      after = failAfter;
      failed.set(false);
    }

    @Override
    public Long map(Long s) {
      seen++;
      if (failure == Failure.IN_MAP && seen > after && failed.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure at position " + s);
      }
      return s;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      if (failure == Failure.IN_CHECKPOINT_COMPLETE
          && seen > after
          && failed.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure in checkpoint " + checkpointId);
      }
    }
  }

  /** A real set from {@code shared/data}: base, queries and exact ground truth. */
  static final class RealData {

    /** The set the running job converts; MiniCluster runs in this JVM. */
    static volatile RealData current;

    final float[][] base;
    final float[][] queries;
    final int[][] truth;

    private RealData(float[][] base, float[][] queries, int[][] truth) {
      this.base = base;
      this.queries = queries;
      this.truth = truth;
    }

    static RealData load(String set, String truth) throws IOException {
      Path dir = sharedData().resolve(set.substring(0, set.indexOf('/')));
      String prefix = set.substring(set.indexOf('/') + 1);
      return new RealData(
          VecFiles.readFvecs(dir.resolve(prefix + "_base.fvecs")),
          VecFiles.readFvecs(dir.resolve(prefix + "_query.fvecs")),
          VecFiles.readIvecs(dir.resolve(prefix + "_groundtruth_" + truth + "_top100.ivecs")));
    }

    /** Point i of the current set, with a payload to index. */
    static final class Upserts implements SerializableFunction<Long, QuiverRecord> {
      @Override
      public QuiverRecord apply(Long i) {
        return QuiverRecord.upsert(i, current.base[i.intValue()], 1)
            .withPayload(Map.of("bucket", i % 7));
      }
    }

    /** recall@10 over the queries; a hit is one of the 10 true nearest neighbours. */
    double recall(QuiverCollection c, SearchParams params) {
      int k = 10;
      int hits = 0;
      for (int q = 0; q < queries.length; q++) {
        Set<Long> expected = new HashSet<>();
        for (int j = 0; j < k; j++) {
          expected.add((long) truth[q][j]);
        }
        for (ScoredPoint p : c.search(SearchRequest.of(queries[q], k).withParams(params))) {
          hits += expected.contains(p.id().num()) ? 1 : 0;
        }
      }
      return hits / (double) (k * queries.length);
    }

    static Path sharedData() {
      for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
        for (Path candidate :
            new Path[] {p.resolve("shared/data"), p.resolveSibling("shared").resolve("data")}) {
          if (Files.isDirectory(candidate)) {
            return candidate;
          }
        }
      }
      throw new IllegalStateException("shared/data not found above " + Path.of(""));
    }
  }

  private static Path versionDir(String collection, long version) {
    return root.resolve(collection).resolve("v" + version);
  }

  private static SnapshotManifest manifest(String collection, long version) throws Exception {
    return ManifestCodec.decode(
        Files.readAllBytes(versionDir(collection, version).resolve("manifest.json")));
  }

  private static QuiverCollection restore(String collection, long version) throws IOException {
    Path target = Files.createTempDirectory(scratch, "restored-");
    Files.delete(target);
    return QuiverCollection.restore(versionDir(collection, version), target);
  }

  private static List<String> expectedFiles(SnapshotManifest manifest) {
    List<String> out = new ArrayList<>(List.of("_SUCCESS", "manifest.json"));
    manifest
        .shards()
        .forEach(s -> s.segments().forEach(g -> g.files().forEach(f -> out.add(f.path()))));
    out.sort(null);
    return out;
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      List<String> out = new ArrayList<>();
      walk.filter(Files::isRegularFile)
          .forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
      out.sort(null);
      assertFalse(out.stream().anyMatch(f -> f.startsWith("_staging")), "staging left: " + out);
      return out;
    }
  }
}

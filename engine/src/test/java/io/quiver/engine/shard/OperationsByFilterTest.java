package io.quiver.engine.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.TestData;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Delete by filter and set / overwrite / delete / clear payload by filter, submitted through the
 * shard's WAL, against a brute-force model: a map from id to vector, payload and version, with the
 * filters written out as plain Java predicates. The operations reach points in the mutable segment,
 * in immutable segments (copy on write), and in a segment being indexed while they arrive; the
 * shard is checked after each phase, after a checkpoint, and after restarts that replay the WAL.
 * Payload indexes on the filtered keys: none, from the start (built with every segment), or created
 * half way (on segments that already exist).
 */
class OperationsByFilterTest {

  private static final int DIM = 8;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String[] COLORS = {"red", "green", "blue", "black"};

  enum Indexes {
    NONE,
    FROM_START,
    HALF_WAY
  }

  @TempDir Path tmp;

  /** A filter as the shard reads it, and the same filter as a predicate on a payload. */
  private record ModelFilter(String json, Predicate<ObjectNode> test) {
    Filter parsed() {
      try {
        return FilterParser.parse(MAPPER.readTree(json));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return json;
    }
  }

  private record ModelPoint(float[] vector, ObjectNode payload, long version) {}

  private final TreeMap<Long, ModelPoint> model = new TreeMap<>();

  /** How many points the operations by filter deleted or changed, by kind and segment. */
  private final Map<String, Integer> touched = new TreeMap<>();

  private SplittableRandom random;
  private long seed;
  private LocalShard shard;
  private Path dir;
  private final CollectionConfig config =
      CollectionConfig.of(VectorParams.of(DIM, VectorSimilarity.EUCLID));

  @ParameterizedTest
  @EnumSource(Indexes.class)
  void operationsByFilterMatchTheModelAcrossSegmentsCheckpointsAndRestarts(Indexes indexes)
      throws Exception {
    seed = TestData.seed() + indexes.ordinal();
    random = new SplittableRandom(seed);
    dir = tmp.resolve("shard");
    shard = LocalShard.open(dir, config, true);
    try {
      if (indexes == Indexes.FROM_START) {
        createIndexes();
      }
      upsert(0, 300);
      randomOperations(15);
      check("mutable segment only");

      shard.optimizer().optimizeFully();
      assertEquals(2, shard.segmentCount());
      check("after indexing and a checkpoint");
      if (indexes == Indexes.HALF_WAY) {
        createIndexes();
        check("indexes created on an immutable segment");
      }
      randomOperations(15);
      check("operations on the immutable segment (copy on write) and the mutable one");

      restart();
      check("restart: WAL replayed after the checkpoint");
      randomOperations(10);
      shard.optimizer().optimizeFully();
      check("second checkpoint");
      restart();
      check("restart right after a checkpoint");

      upsert(300, 500);
      randomOperationsWhileIndexing(20);
      check("operations while the mutable segment was being indexed");
      restart();
      check("restart after operations during indexing");

      upsert(500, 600);
      shard.optimizer().optimizeFully();
      randomOperations(15);
      check("three segments and a mutable one");
      restart();
      check("final restart");
      for (String kind :
          List.of("delete mutable", "delete immutable", "payload mutable", "payload immutable")) {
        assertTrue(touched.getOrDefault(kind, 0) >= 10, "too few of " + kind + ": " + touched);
      }
    } finally {
      shard.close();
    }
  }

  // ---------------------------------------------------------------- operations on shard and model

  private long submit(Operation op) throws IOException {
    return shard.submit(op, random.nextInt(4) == 0);
  }

  private void createIndexes() throws IOException {
    submit(new Operation.CreateFieldIndex("group", "integer"));
    submit(new Operation.CreateFieldIndex("color", "keyword"));
    submit(new Operation.CreateFieldIndex("meta.n", "integer"));
  }

  private void upsert(int from, int to) throws IOException {
    List<Point> points = new ArrayList<>();
    for (int id = from; id < to; id++) {
      points.add(newPoint(id));
    }
    applyUpsert(points);
  }

  private Point newPoint(long id) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
    }
    ObjectNode payload = F.objectNode();
    if (random.nextInt(10) > 0) {
      payload.put("group", random.nextInt(10));
    }
    if (random.nextInt(10) > 0) {
      payload.put("color", COLORS[random.nextInt(COLORS.length)]);
    }
    if (random.nextBoolean()) {
      payload.putObject("meta").put("n", random.nextInt(5));
    }
    return Point.of(PointId.of(id), v, payload);
  }

  private void applyUpsert(List<Point> points) throws IOException {
    long seq = submit(new Operation.Upsert(points));
    for (Point p : points) {
      model.put(p.id().num(), new ModelPoint(p.vector(""), p.payload().deepCopy(), seq));
    }
  }

  private void randomOperations(int count) throws IOException {
    for (int i = 0; i < count; i++) {
      randomOperation();
    }
  }

  /** Operations submitted while another thread indexes the mutable segment and checkpoints. */
  private void randomOperationsWhileIndexing(int count) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread optimizer =
        new Thread(
            () -> {
              try {
                shard.optimizer().optimizeFully();
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    optimizer.start();
    randomOperations(count);
    optimizer.join();
    if (failure.get() != null) {
      throw new AssertionError("optimizer failed (seed " + seed + ")", failure.get());
    }
  }

  private void randomOperation() throws IOException {
    int kind = random.nextInt(100);
    if (kind < 15) {
      List<Point> points = new ArrayList<>();
      for (int i = random.nextInt(1, 30); i > 0; i--) {
        points.add(newPoint(random.nextInt(650)));
      }
      applyUpsert(points);
      return;
    }
    ModelFilter filter = randomFilter();
    PointSelector selector = PointSelector.filter(filter.parsed());
    if (kind < 30) {
      apply(new Operation.DeletePoints(selector), filter, null);
    } else if (kind < 50) {
      ObjectNode change = F.objectNode();
      switch (random.nextInt(3)) {
        case 0 -> change.put("color", COLORS[random.nextInt(COLORS.length)]);
        case 1 -> change.put("flag", random.nextBoolean());
        default -> change.put("group", random.nextInt(10)).put("flag", true);
      }
      apply(
          new Operation.SetPayload(selector, change, null), filter, old -> set(old, change, null));
    } else if (kind < 60) {
      ObjectNode change = F.objectNode().put("n", random.nextInt(5));
      apply(
          new Operation.SetPayload(selector, change, "meta"),
          filter,
          old -> set(old, change, "meta"));
    } else if (kind < 75) {
      ObjectNode replacement = F.objectNode().put("group", random.nextInt(10));
      if (random.nextBoolean()) {
        replacement.put("color", COLORS[random.nextInt(COLORS.length)]);
      }
      apply(
          new Operation.OverwritePayload(selector, replacement),
          filter,
          old -> replacement.deepCopy());
    } else if (kind < 90) {
      List<String> keys =
          switch (random.nextInt(3)) {
            case 0 -> List.of("color");
            case 1 -> List.of("meta.n");
            default -> List.of("group", "flag", "absent.key");
          };
      apply(new Operation.DeletePayload(selector, keys), filter, old -> delete(old, keys));
    } else {
      apply(new Operation.ClearPayload(selector), filter, old -> F.objectNode());
    }
  }

  /**
   * Submits {@code op} and applies it to the model: {@code change} on every matching point's
   * payload, or a delete when it is null.
   */
  private void apply(
      Operation op, ModelFilter filter, java.util.function.UnaryOperator<ObjectNode> change)
      throws IOException {
    List<Long> matching = new ArrayList<>();
    model.forEach(
        (id, p) -> {
          if (filter.test.test(p.payload)) {
            matching.add(id);
          }
        });
    for (long id : matching) {
      LocalShard.Location at = shard.locate(PointId.of(id));
      boolean immutable = at != null && at.segment() != shard.mutable();
      touched.merge(
          (change == null ? "delete" : "payload") + (immutable ? " immutable" : " mutable"),
          1,
          Integer::sum);
    }
    long seq = submit(op);
    for (long id : matching) {
      if (change == null) {
        model.remove(id);
      } else {
        ModelPoint p = model.get(id);
        model.put(id, new ModelPoint(p.vector, change.apply(p.payload.deepCopy()), seq));
      }
    }
  }

  /** Qdrant's set-payload, written out independently of the shard's. */
  private static ObjectNode set(ObjectNode payload, ObjectNode change, String key) {
    ObjectNode target = payload;
    if (key != null) {
      JsonNode existing = payload.get(key);
      target = existing instanceof ObjectNode o ? o : payload.putObject(key);
    }
    for (Map.Entry<String, JsonNode> e : iterable(change)) {
      target.set(e.getKey(), e.getValue().deepCopy());
    }
    return payload;
  }

  private static ObjectNode delete(ObjectNode payload, List<String> keys) {
    for (String key : keys) {
      int dot = key.indexOf('.');
      if (dot < 0) {
        payload.remove(key);
      } else if (payload.get(key.substring(0, dot)) instanceof ObjectNode parent) {
        parent.remove(key.substring(dot + 1));
      }
    }
    return payload;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(ObjectNode node) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    node.fields().forEachRemaining(out::add);
    return out;
  }

  // ---------------------------------------------------------------- filters

  private ModelFilter randomFilter() {
    int g = random.nextInt(10);
    int g2 = g + 1 + random.nextInt(3);
    String c = COLORS[random.nextInt(COLORS.length)];
    int n = random.nextInt(5);
    return switch (random.nextInt(7)) {
      case 0 -> groupIs(g);
      case 1 ->
          new ModelFilter(
              "{\"must\":[{\"key\":\"group\",\"range\":{\"gte\":" + g + ",\"lt\":" + g2 + "}}]}",
              p ->
                  p.get("group") != null
                      && p.get("group").isNumber()
                      && p.get("group").asInt() >= g
                      && p.get("group").asInt() < g2);
      case 2 -> colorIs(c);
      case 3 ->
          new ModelFilter(
              "{\"must\":[" + colorIs(c).json + "],\"must_not\":[" + groupIs(g).json + "]}",
              p -> colorIs(c).test.test(p) && !groupIs(g).test.test(p));
      case 4 ->
          new ModelFilter(
              "{\"should\":[" + groupIs(g).json + "," + colorIs(c).json + "]}",
              p -> groupIs(g).test.test(p) || colorIs(c).test.test(p));
      case 5 ->
          new ModelFilter(
              "{\"must\":[{\"key\":\"meta.n\",\"match\":{\"value\":" + n + "}}]}",
              p ->
                  p.get("meta") instanceof ObjectNode m
                      && m.get("n") != null
                      && m.get("n").isInt()
                      && m.get("n").asInt() == n);
      default ->
          new ModelFilter(
              "{\"must\":[{\"key\":\"flag\",\"match\":{\"value\":true}}," + groupIs(g).json + "]}",
              p ->
                  p.get("flag") != null
                      && p.get("flag").isBoolean()
                      && p.get("flag").asBoolean()
                      && groupIs(g).test.test(p));
    };
  }

  private static ModelFilter groupIs(int g) {
    return new ModelFilter(
        "{\"must\":[{\"key\":\"group\",\"match\":{\"value\":" + g + "}}]}",
        p -> p.get("group") != null && p.get("group").isInt() && p.get("group").asInt() == g);
  }

  private static ModelFilter colorIs(String c) {
    return new ModelFilter(
        "{\"must\":[{\"key\":\"color\",\"match\":{\"value\":\"" + c + "\"}}]}",
        p ->
            p.get("color") != null
                && p.get("color").isTextual()
                && p.get("color").asText().equals(c));
  }

  // ---------------------------------------------------------------- checks

  private void restart() throws IOException {
    shard.close();
    shard = LocalShard.open(dir, config, true);
  }

  private void check(String phase) {
    String context = phase + " (seed " + seed + ")";
    assertEquals(model.size(), shard.count(), context + ": count");
    List<PointRecord> all = new ArrayList<>();
    PointId from = null;
    do {
      LocalShard.ScrollPage page = shard.scroll(from, 128, true, true);
      all.addAll(page.points());
      from = page.nextOffset();
    } while (from != null);
    assertEquals(
        List.copyOf(model.keySet()), all.stream().map(r -> r.id().num()).toList(), context);
    for (PointRecord r : all) {
      ModelPoint p = model.get(r.id().num());
      assertEquals(p.payload, r.payload(), context + ": payload of " + r.id());
      assertEquals(p.version, r.version(), context + ": version of " + r.id());
      assertArrayEquals(p.vector, r.vectors().get(""), context + ": vector of " + r.id());
    }
    float[] query = new float[DIM];
    for (int i = 0; i < 12; i++) {
      ModelFilter filter = randomFilter();
      Filter parsed = filter.parsed();
      String at = context + ", filter " + filter;
      List<Long> expected = new ArrayList<>();
      model.forEach(
          (id, p) -> {
            if (filter.test.test(p.payload)) {
              expected.add(id);
            }
          });
      assertEquals(expected.size(), shard.count(parsed), at + ": count");
      List<Long> scrolled =
          shard.scroll(null, 1000, parsed, false, false).points().stream()
              .map(r -> r.id().num())
              .toList();
      assertEquals(expected, scrolled, at + ": scroll");

      for (int d = 0; d < DIM; d++) {
        query[d] = (float) (random.nextDouble() * 2 - 1);
      }
      List<Long> nearest =
          expected.stream()
              .sorted(Comparator.comparingDouble(id -> distance(model.get(id).vector, query)))
              .limit(10)
              .toList();
      SearchRequest request = SearchRequest.of(query.clone(), 10).withFilter(parsed);
      List<ScoredPoint> exact =
          shard.search(request.withParams(SearchParams.DEFAULT.withExact(true)));
      assertEquals(nearest, exact.stream().map(h -> h.id().num()).toList(), at + ": exact search");
      for (ScoredPoint h : shard.search(request)) {
        assertTrue(
            filter.test.test(model.get(h.id().num()).payload), at + ": search hit " + h.id());
        assertEquals(
            model.get(h.id().num()).payload, h.payload(), at + ": payload of hit " + h.id());
      }
    }
  }

  private static double distance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}

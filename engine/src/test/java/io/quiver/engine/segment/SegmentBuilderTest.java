package io.quiver.engine.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.TestData;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.quant.QuantizationConfig;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentBuilderTest {

  @TempDir Path tmp;

  private static CollectionConfig twoVectors() {
    return CollectionConfig.of(
        Map.of(
            "",
            VectorParams.of(17, VectorSimilarity.COSINE),
            "small",
            VectorParams.of(5, VectorSimilarity.EUCLID)
                .withQuantization(new QuantizationConfig.Scalar(0.99f, false))));
  }

  private static Point point(int i, float[][] big, float[][] small) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put("i", i).put("tag", "t" + i % 7);
    payload.putArray("list").add(i).add("x");
    PointId id =
        i % 3 == 0 ? PointId.of(new UUID(i, i * 31L)) : PointId.of(Long.MAX_VALUE + (long) i);
    return new Point(id, Map.of("", big[i], "small", small[i]), payload);
  }

  @Test
  void roundTripsAndAnswersIdenticallyAfterReopen() throws IOException {
    int n = 700;
    float[][] big = TestData.gaussianMixture(n, 17, 8, 1);
    float[][] small = TestData.gaussianMixture(n, 5, 4, 2);
    SegmentBuilder builder = new SegmentBuilder(tmp.resolve("s"), twoVectors(), List.of(), 2);
    for (int i = 0; i < n; i++) {
      builder.add(point(i, big, small), 10 + i);
    }
    // A repeated id with a lower version loses; with a higher one it wins.
    builder.add(point(5, big, small), 1);
    Point replacement =
        new Point(
            point(6, big, small).id(),
            Map.of("", big[0], "small", small[0]),
            JsonNodeFactory.instance.objectNode().put("replaced", true));
    builder.add(replacement, 10_000);
    SegmentMeta meta = builder.finish();
    assertEquals(n, meta.pointCount());

    try (ImmutableSegment seg = ImmutableSegment.open(tmp.resolve("s"), null)) {
      assertEquals(n, seg.size());
      for (int i = 0; i < n; i++) {
        PointId id = point(i, big, small).id();
        int offset = seg.offsetOf(id);
        assertEquals(id, seg.pointId(offset));
        if (i == 6) {
          assertTrue(seg.payload(offset).get("replaced").asBoolean());
          assertEquals(10_000, seg.version(offset));
        } else {
          assertEquals(i, seg.payload(offset).get("i").asInt());
          assertEquals(10 + i, seg.version(offset));
        }
      }
      assertEquals(-1, seg.offsetOf(PointId.of(3)));
      SearchResults first = seg.search("", big[3], 10, SearchParams.DEFAULT, SegmentFilter.none(n));
      SearchResults exact =
          seg.search("", big[3], 10, SearchParams.DEFAULT.withExact(true), SegmentFilter.none(n));
      assertEquals(seg.offsetOf(point(3, big, small).id()), exact.ord(0));
      try (ImmutableSegment again = ImmutableSegment.open(tmp.resolve("s"), null)) {
        SearchResults second =
            again.search("", big[3], 10, SearchParams.DEFAULT, SegmentFilter.none(n));
        assertArrayEquals(first.ords(), second.ords());
        SearchResults quantized =
            again.search("small", small[9], 5, SearchParams.DEFAULT, SegmentFilter.none(n));
        assertEquals(again.offsetOf(point(9, big, small).id()), quantized.ord(0));
      }
    }
  }

  @Test
  void vectorsOnDiskStayMappedAndAnswerAsTheHeapCopyDoes() throws IOException {
    int n = 500;
    float[][] big = TestData.gaussianMixture(n, 17, 8, 3);
    float[][] small = TestData.gaussianMixture(n, 5, 4, 4);
    CollectionConfig inMemory = twoVectors();
    CollectionConfig onDisk =
        CollectionConfig.of(
            Map.of(
                "", inMemory.vector("").withOnDisk(true),
                "small", inMemory.vector("small").withOnDisk(true)));
    for (CollectionConfig config : List.of(inMemory, onDisk)) {
      String name = config == onDisk ? "disk" : "memory";
      SegmentBuilder builder = new SegmentBuilder(tmp.resolve(name), config, List.of(), 2);
      for (int i = 0; i < n; i++) {
        builder.add(point(i, big, small), i);
      }
      builder.finish();
    }
    try (ImmutableSegment memory = ImmutableSegment.open(tmp.resolve("memory"), null);
        ImmutableSegment disk = ImmutableSegment.open(tmp.resolve("disk"), null)) {
      for (int q = 0; q < 20; q++) {
        for (String vector : List.of("", "small")) {
          float[] query = vector.isEmpty() ? big[q * 7] : small[q * 7];
          SearchResults a =
              memory.search(vector, query, 10, SearchParams.DEFAULT, SegmentFilter.none(n));
          SearchResults b =
              disk.search(vector, query, 10, SearchParams.DEFAULT, SegmentFilter.none(n));
          assertArrayEquals(a.ords(), b.ords(), "query " + q + " on '" + vector + "'");
        }
      }
      // The floats move from the mapped files to the heap; object headers aside.
      long vectorBytes = 4L * n * (17 + 5) - 1024;
      assertTrue(
          memory.heapBytes() - disk.heapBytes() >= vectorBytes,
          memory.heapBytes() + " vs " + disk.heapBytes());
      assertTrue(
          disk.mappedBytes() - memory.mappedBytes() >= vectorBytes,
          disk.mappedBytes() + " vs " + memory.mappedBytes());
    }
  }

  @Test
  void everyFileRefusesAFlippedByteAndATruncation() throws IOException {
    int n = 300;
    float[][] big = TestData.gaussianMixture(n, 17, 8, 3);
    float[][] small = TestData.gaussianMixture(n, 5, 4, 4);
    Path dir = tmp.resolve("s");
    SegmentBuilder builder = new SegmentBuilder(dir, twoVectors(), List.of(), 1);
    for (int i = 0; i < n; i++) {
      builder.add(point(i, big, small), i);
    }
    builder.finish();
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    assertTrue(files.size() >= 7, "files: " + files);
    for (Path file : files) {
      byte[] original = Files.readAllBytes(file);
      for (int at : new int[] {3, original.length / 2, original.length - 3}) {
        byte[] flipped = original.clone();
        flipped[at] ^= 0x10;
        Files.write(file, flipped);
        CorruptFileException e =
            assertThrows(
                CorruptFileException.class,
                () -> ImmutableSegment.open(dir, null).close(),
                file + " byte " + at);
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
      }
      Files.write(file, original, StandardOpenOption.TRUNCATE_EXISTING);
      Files.write(file, java.util.Arrays.copyOf(original, original.length - 5));
      assertThrows(CorruptFileException.class, () -> ImmutableSegment.open(dir, null).close());
      Files.write(file, original);
    }
    ImmutableSegment.open(dir, null).close();
  }

  @Test
  void refusesBadPointsNamingFieldAndValue() {
    SegmentBuilder builder = new SegmentBuilder(tmp.resolve("s"), twoVectors(), List.of(), 1);
    float[] ok17 = new float[17];
    float[] ok5 = new float[5];
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                builder.add(
                    new Point(PointId.of(1), Map.of("", new float[3], "small", ok5), null), 1));
    assertTrue(e.getMessage().contains("dimension 3"), e.getMessage());
    float[] nan = ok5.clone();
    nan[2] = Float.NaN;
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> builder.add(new Point(PointId.of(1), Map.of("", ok17, "small", nan), null), 1));
    assertTrue(
        e.getMessage().contains("'small'") && e.getMessage().contains("NaN"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                builder.add(
                    new Point(PointId.of(1), Map.of("", ok17, "small", ok5, "nope", ok5), null),
                    1));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }

  @Test
  void emptySegmentOpensAndFindsNothing() throws IOException {
    new SegmentBuilder(tmp.resolve("e"), twoVectors(), List.of(), 1).finish();
    try (ImmutableSegment seg = ImmutableSegment.open(tmp.resolve("e"), null)) {
      assertEquals(0, seg.size());
      assertEquals(
          0, seg.search("", new float[17], 3, SearchParams.DEFAULT, SegmentFilter.none(0)).size());
    }
  }
}

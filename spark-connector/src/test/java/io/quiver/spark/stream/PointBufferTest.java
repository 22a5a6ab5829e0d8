package io.quiver.spark.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.point.PointId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task's pending writes: one per id, the last wins, sent by count and by size, in order. */
class PointBufferTest {

  /** A request the buffer sent. */
  private record Sent(String body, int points, boolean delete) {}

  private final List<Sent> sent = new ArrayList<>();

  private PointBuffer buffer(int maxPoints, long maxBytes) {
    return new PointBuffer(
        maxPoints,
        maxBytes,
        (body, points, delete) ->
            sent.add(new Sent(new String(body, StandardCharsets.UTF_8), points, delete)));
  }

  private static byte[] point(long id, String tag) {
    return ("{\"id\":" + id + ",\"t\":\"" + tag + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static void upsert(PointBuffer b, long id, String tag) throws Exception {
    b.upsert(PointId.of(id), point(id, tag));
  }

  private static void delete(PointBuffer b, long id) throws Exception {
    b.delete(PointId.of(id), Long.toString(id).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theLastWriteOfAnIdWinsAndDeletesGoFirst() throws Exception {
    PointBuffer b = buffer(100, 1 << 20);
    upsert(b, 1, "a");
    upsert(b, 2, "a");
    delete(b, 1);
    upsert(b, 3, "a");
    delete(b, 3);
    upsert(b, 3, "b");
    delete(b, 4);
    assertEquals(4, b.size());
    b.flush();
    assertEquals(
        List.of(
            new Sent("{\"points\":[1,4]}", 2, true),
            new Sent("{\"points\":[{\"id\":2,\"t\":\"a\"},{\"id\":3,\"t\":\"b\"}]}", 2, false)),
        sent);
    b.flush();
    assertEquals(2, sent.size(), "an empty buffer sends nothing");
  }

  @Test
  void aFullBufferIsSentBeforeMoreIsAdded() throws Exception {
    PointBuffer b = buffer(3, 1 << 20);
    for (long id = 0; id < 7; id++) {
      upsert(b, id, "x");
    }
    assertEquals(List.of(3, 3), sent.stream().map(Sent::points).toList());
    b.flush();
    assertEquals(List.of(3, 3, 1), sent.stream().map(Sent::points).toList());
  }

  @Test
  void requestBodiesStayUnderTheByteCap() throws Exception {
    int cap = 100;
    PointBuffer b = buffer(1000, cap);
    for (long id = 0; id < 40; id++) {
      upsert(b, id, "tag");
    }
    b.flush();
    int points = 0;
    for (Sent s : sent) {
      assertTrue(s.body().length() <= cap, s.body().length() + " bytes: " + s.body());
      points += s.points();
    }
    assertEquals(40, points);
    assertTrue(sent.size() > 1);
  }

  @Test
  void aPointLargerThanTheCapGoesAlone() throws Exception {
    PointBuffer b = buffer(1000, 1024);
    upsert(b, 1, "small");
    upsert(b, 2, "x".repeat(2000));
    upsert(b, 3, "small");
    b.flush();
    assertEquals(List.of(1, 1, 1), sent.stream().map(Sent::points).toList());
    assertTrue(sent.get(1).body().contains("\"id\":2"));
  }

  @Test
  void clearForgetsThePendingWrites() throws Exception {
    PointBuffer b = buffer(10, 1 << 20);
    upsert(b, 1, "a");
    delete(b, 2);
    b.clear();
    b.flush();
    assertTrue(sent.isEmpty());
  }
}

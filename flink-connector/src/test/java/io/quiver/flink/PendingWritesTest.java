package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.client.grpc.VersionedPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pending buffer keeps, per id, the write the node would keep. */
class PendingWritesTest {

  private static RecordConverter.Write upsert(long id, long version, String tag) {
    return RecordConverter.convert(
        QuiverRecord.upsert(id, new float[] {1, 2}, version).withPayload(Map.of("tag", tag)));
  }

  private static RecordConverter.Write delete(long id, long version) {
    return RecordConverter.convert(QuiverRecord.delete(id, version));
  }

  private static String tag(VersionedPoint p) {
    return p.getPoint().getPayloadMap().get("tag").getStringValue();
  }

  @Test
  void theNewestVersionOfAnIdWinsWhateverTheOrderAndTheFirstOfEqualOnes() {
    PendingWrites pending = new PendingWrites();
    assertFalse(pending.add(upsert(1, 5, "a")));
    assertTrue(pending.add(upsert(1, 4, "older"))); // dropped
    assertTrue(pending.add(upsert(1, 5, "same"))); // dropped: the node keeps the first
    assertTrue(pending.add(upsert(1, 7, "newer"))); // replaces
    assertFalse(pending.add(upsert(2, 1, "b")));
    assertTrue(pending.add(delete(2, 2))); // a newer delete replaces the upsert
    assertTrue(pending.add(upsert(2, 1, "resurrect"))); // an older upsert stays out
    assertEquals(2, pending.size());

    PendingWrites.Requests r = pending.drain("docs", true);
    assertTrue(pending.isEmpty());
    assertEquals(1, r.upsert().getPointsCount());
    assertEquals("newer", tag(r.upsert().getPoints(0)));
    assertEquals(7, r.upsert().getPoints(0).getVersion());
    assertEquals(1, r.delete().getIdsCount());
    assertEquals(2, r.delete().getIds(0).getVersion());
    assertEquals("docs", r.delete().getCollectionName());
    assertTrue(r.upsert().getWait() && r.delete().getWait());
  }

  @Test
  void versionsCompareUnsigned() {
    PendingWrites pending = new PendingWrites();
    pending.add(upsert(1, -1L, "max")); // 2^64 - 1
    assertTrue(pending.add(upsert(1, Long.MAX_VALUE, "smaller")));
    assertEquals("max", tag(pending.drain("docs", false).upsert().getPoints(0)));
  }

  @Test
  void requestSizesFollowTheWritesAndAKindWithoutWritesMakesNoRequest() {
    PendingWrites pending = new PendingWrites();
    RecordConverter.Write a = upsert(1, 1, "a");
    RecordConverter.Write b = upsert(2, 1, "b");
    pending.add(a);
    assertEquals(a.encodedSize(), pending.requestBytes());
    assertEquals(a.encodedSize() + b.encodedSize(), pending.requestBytesWith(b));
    pending.add(b);
    pending.add(upsert(1, 2, "a2"));
    PendingWrites.Requests r = pending.drain("docs", false);
    assertNull(r.delete());
    assertEquals(List.of(2L, 1L), List.of(ids(r).get(0), ids(r).get(1)), "arrival order");
    // The points, then collection_name (tag, length, 4 bytes) and wait (tag, value).
    assertEquals(r.upsert().getSerializedSize(), sizeOf(r) + 6 + 2);
  }

  private static List<Long> ids(PendingWrites.Requests r) {
    return r.upsert().getPointsList().stream().map(p -> p.getPoint().getId().getNum()).toList();
  }

  private static long sizeOf(PendingWrites.Requests r) {
    long n = 0;
    for (VersionedPoint p : r.upsert().getPointsList()) {
      n += com.google.protobuf.CodedOutputStream.computeMessageSize(3, p);
    }
    return n;
  }
}

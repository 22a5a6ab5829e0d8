package io.quiver.engine.operation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OperationCodecTest {

  private static final ObjectNode PAYLOAD = new ObjectMapper().createObjectNode().put("k", "v");
  private static final PointId UUID_ID =
      PointId.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));

  private static List<Point> twoPoints() {
    return List.of(
        Point.of(PointId.of(7), new float[] {1f, -2.5f}, PAYLOAD),
        Point.of(UUID_ID, new float[] {0f, 3f}, null));
  }

  /**
   * Records as the code before versioned writes wrote them (bytes taken from it): a WAL written
   * then must decode the same now.
   */
  @Test
  void recordsOfEarlierVersionsStillDecode() {
    String upsert =
        "01010200000000000000000000000007000000000000000100000000000000020000000000803f000020c0"
            + "090000007b226b223a2276227d01d3129be867453e1200401714664256a401000000000000000200"
            + "0000000000000000404000000000";
    String delete =
        "01020102000000000000000000000000ffffffffffffffff0000000000000000002a00000000000000";
    Operation.Upsert u = (Operation.Upsert) decode(upsert);
    assertEquals(2, u.points().size());
    assertEquals(PointId.of(7), u.points().get(0).id());
    assertArrayEquals(new float[] {1f, -2.5f}, u.points().get(0).vector(""));
    assertEquals(PAYLOAD, u.points().get(0).payload());
    assertEquals(UUID_ID, u.points().get(1).id());
    assertEquals(
        new Operation.DeletePoints(PointSelector.ids(List.of(PointId.of(-1L), PointId.of(42)))),
        decode(delete));
    // And encoding them has not changed either.
    assertEquals(upsert, HexFormat.of().formatHex(OperationCodec.encode(u)));
    assertEquals(delete, HexFormat.of().formatHex(OperationCodec.encode(decode(delete))));
  }

  @Test
  void versionedOperationsRoundTrip() {
    Operation.VersionedUpsert upsert =
        new Operation.VersionedUpsert(twoPoints(), new long[] {5, -1L /* 2^64 - 1 */});
    Operation.VersionedUpsert back = (Operation.VersionedUpsert) roundTrip(upsert);
    assertArrayEquals(new long[] {5, -1L}, back.versions());
    assertEquals(2, back.size());
    assertEquals(PointId.of(7), back.id(0));
    assertArrayEquals(new float[] {0f, 3f}, back.points().get(1).vector(""));
    assertEquals(PAYLOAD, back.points().get(0).payload());

    Operation.VersionedDelete delete =
        new Operation.VersionedDelete(
            List.of(PointId.of(1), UUID_ID, PointId.of(1)), new long[] {0, 9, Long.MIN_VALUE});
    assertEquals(delete, roundTrip(delete));
    assertEquals(new Operation.PurgeTombstones(-7), roundTrip(new Operation.PurgeTombstones(-7)));
    assertEquals(
        new Operation.VersionedDelete(List.of(), new long[0]),
        roundTrip(new Operation.VersionedDelete(List.of(), new long[0])));
  }

  @Test
  void versionsAreCopiedAndMustMatchThePoints() {
    long[] versions = {1, 2};
    Operation.VersionedUpsert upsert = new Operation.VersionedUpsert(twoPoints(), versions);
    versions[0] = 99;
    upsert.versions()[1] = 99;
    assertArrayEquals(new long[] {1, 2}, upsert.versions());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Operation.VersionedDelete(List.of(PointId.of(1)), new long[] {1, 2}));
    assertEquals("versions has 2 entries; ids has 1", e.getMessage());
  }

  @Test
  void aTruncatedVersionedRecordIsRefused() {
    byte[] full =
        OperationCodec.encode(
            new Operation.VersionedDelete(List.of(PointId.of(3)), new long[] {4}));
    for (int n = 2; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> OperationCodec.decode(ByteBuffer.wrap(cut)));
      assertTrue(
          e.getMessage().contains("truncated") || e.getMessage().contains("bad count"),
          e.getMessage());
    }
  }

  private static Operation roundTrip(Operation op) {
    return OperationCodec.decode(ByteBuffer.wrap(OperationCodec.encode(op)));
  }

  private static Operation decode(String hex) {
    return OperationCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
  }
}

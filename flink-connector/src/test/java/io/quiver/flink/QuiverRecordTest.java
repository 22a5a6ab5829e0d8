package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qdrant.client.grpc.JsonWithInt;
import io.quiver.client.grpc.VersionedPoint;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Ids, payloads and vectors of a record, its conversion to the request, and its serializer. */
class QuiverRecordTest {

  private static final UUID U = UUID.fromString("6f1c0b4e-8a3b-4d0e-9a55-0c4a5b1f2e3d");

  private static void refused(String expected, Runnable r) {
    String message = assertThrows(IllegalArgumentException.class, r::run).getMessage();
    assertTrue(message.contains(expected), message + " lacks: " + expected);
  }

  @Test
  void idsAreUnsigned64BitIntegersOrUuids() {
    assertEquals(7L, QuiverRecord.delete(7, 1).id());
    assertEquals(-1L, QuiverRecord.delete("18446744073709551615", 1).id());
    assertEquals(-1L, QuiverRecord.delete(BigInteger.TWO.pow(64).subtract(BigInteger.ONE), 1).id());
    assertEquals(U, QuiverRecord.delete(U.toString(), 1).id());
    assertEquals(U, QuiverRecord.delete(U, 1).id());
    assertEquals("delete 18446744073709551615 v3", QuiverRecord.delete(-1L, 3).toString());
    refused(
        "id must be an unsigned 64-bit integer or a UUID; got -3",
        () -> QuiverRecord.delete(-3, 1));
    refused("got 'doc-7'", () -> QuiverRecord.delete("doc-7", 1));
    refused("got 18446744073709551616", () -> QuiverRecord.delete(BigInteger.TWO.pow(64), 1));
    refused("got a java.lang.Double: 1.5", () -> QuiverRecord.delete(1.5, 1));
    refused("id is null", () -> QuiverRecord.delete(null, 1));
  }

  @Test
  void payloadsKeepIntegersAndRefuseWhatJsonCannotHold() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("n", 3);
    payload.put("x", 2.5f);
    payload.put("tags", List.of("a", "b"));
    payload.put("pair", new int[] {1, 2});
    payload.put("nested", Map.of("ok", true));
    payload.put("none", null);
    QuiverRecord r = QuiverRecord.upsert(1L, new float[] {1}, 1).withPayload(payload);
    Map<String, JsonWithInt.Value> fields = r.payload().getFieldsMap();
    assertEquals(3, fields.get("n").getIntegerValue());
    assertEquals(2.5, fields.get("x").getDoubleValue());
    assertEquals("b", fields.get("tags").getListValue().getValues(1).getStringValue());
    assertEquals(2, fields.get("pair").getListValue().getValues(1).getIntegerValue());
    assertTrue(fields.get("nested").getStructValue().getFieldsMap().get("ok").getBoolValue());
    assertTrue(fields.get("none").hasNullValue());
    assertEquals(
        r.payload(),
        QuiverRecord.upsert(1L, new float[] {1}, 1)
            .withPayloadJson(
                "{\"n\": 3, \"x\": 2.5, \"tags\": [\"a\", \"b\"], \"pair\": [1, 2],"
                    + " \"nested\": {\"ok\": true}, \"none\": null}")
            .payload());

    QuiverRecord p = QuiverRecord.upsert(5L, new float[] {1}, 9);
    refused(
        "point 5 (version 9): payload.prices[1] is NaN; a payload number must be finite",
        () -> p.withPayload(Map.of("prices", List.of(1.0, Double.NaN))));
    refused(
        "point 5 (version 9): payload.when is a java.lang.Object",
        () -> p.withPayload(Map.of("when", new Object())));
    refused("point 5 (version 9): payload is not valid JSON", () -> p.withPayloadJson("{\"a\":"));
    refused("payload must be a JSON object; got ARRAY", () -> p.withPayloadJson("[1]"));
    assertThrows(
        IllegalStateException.class, () -> QuiverRecord.delete(1, 1).withPayload(Map.of()));
  }

  @Test
  void vectorsAreCheckedAndConverted() {
    VersionedPoint p =
        RecordConverter.convert(
                QuiverRecord.upsertNamed(
                    U, Map.of("text", new float[] {1, 2}, "image", new float[] {3}), -1L))
            .point();
    assertEquals(U.toString(), p.getPoint().getId().getUuid());
    assertEquals(-1L, p.getVersion());
    assertEquals(
        List.of(3f),
        p.getPoint()
            .getVectors()
            .getVectors()
            .getVectorsMap()
            .get("image")
            .getDense()
            .getDataList());
    refused(
        "point 2 (version 1): vector[1] is Infinity; vector values must be finite",
        () ->
            RecordConverter.convert(
                QuiverRecord.upsert(2L, new float[] {0, Float.POSITIVE_INFINITY}, 1)));
    refused("the vector of point 2 (version 1) is null", () -> QuiverRecord.upsert(2L, null, 1));
    refused("point 2 (version 1) has no vectors", () -> QuiverRecord.upsertNamed(2L, Map.of(), 1));
  }

  @Test
  void flinkSerializesRecordsWithTheirOwnSerializer() throws Exception {
    TypeInformation<QuiverRecord> type = TypeInformation.of(QuiverRecord.class);
    assertEquals(QuiverRecordTypeInfoFactory.TYPE, type);
    for (QuiverRecord r :
        List.of(
            QuiverRecord.upsert(1L, new float[] {1, 2, 3}, 4)
                .withPayloadJson("{\"a\": [1, {\"b\": null}]}"),
            QuiverRecord.upsertNamed(U, Map.of("", new float[] {1}, "image", new float[] {}), -1L),
            QuiverRecord.delete(U, 0),
            QuiverRecord.delete(-1L, 7))) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      QuiverRecordSerializer.INSTANCE.serialize(r, out);
      QuiverRecord back =
          QuiverRecordSerializer.INSTANCE.deserialize(
              new DataInputDeserializer(Arrays.copyOf(out.getSharedBuffer(), out.length())));
      assertNotSame(r, back);
      assertEquals(r, back, r.toString());
    }
  }
}

package io.quiver.flink.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.flink.QuiverRecord;
import java.util.UUID;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/** Rows to records: ids, versions (given and derived), vectors and the row kinds. */
class RowDataConverterTest {

  private static RowType row(DataTypes.Field... fields) {
    return (RowType) DataTypes.ROW(fields).getLogicalType();
  }

  private static final RowType STRING_ID_INT_VERSION =
      row(
          DataTypes.FIELD("id", DataTypes.STRING().notNull()),
          DataTypes.FIELD("embedding", DataTypes.ARRAY(DataTypes.DOUBLE())),
          DataTypes.FIELD("v", DataTypes.INT()));

  private static GenericRowData upsert(String id, Integer version, Double... vector) {
    return GenericRowData.ofKind(
        RowKind.INSERT, StringData.fromString(id), new GenericArrayData(vector), version);
  }

  @Test
  void stringIdsAndIntVersions() {
    RowDataConverter c =
        ColumnRoles.resolve(STRING_ID_INT_VERSION, new int[] {0}, "v", "embedding");
    UUID uuid = UUID.randomUUID();
    QuiverRecord r = c.apply(upsert(uuid.toString(), 7, 1.0, 2.5));
    assertEquals(uuid, r.id());
    assertEquals(7, r.version());
    assertArrayEquals(new float[] {1, 2.5f}, r.vector());
    assertEquals(18L, c.apply(upsert("18", 1, 1.0)).id());

    GenericRowData delete = upsert("18", 9, 1.0);
    delete.setRowKind(RowKind.DELETE);
    assertEquals(QuiverRecord.delete(18L, 9), c.apply(delete));
  }

  @Test
  void badValuesFailNamingTheColumn() {
    RowDataConverter c =
        ColumnRoles.resolve(STRING_ID_INT_VERSION, new int[] {0}, "v", "embedding");
    assertEquals(
        "quiver table: the primary key column 'id' holds 'doc-1', which is neither an unsigned"
            + " 64-bit integer nor a UUID",
        assertThrows(IllegalArgumentException.class, () -> c.apply(upsert("doc-1", 1, 1.0)))
            .getMessage());
    assertEquals(
        "quiver table: the version column 'v' is -2 for point 3; versions must not be negative",
        assertThrows(IllegalArgumentException.class, () -> c.apply(upsert("3", -2, 1.0)))
            .getMessage());
    assertEquals(
        "quiver table: the version column 'v' is null for point 3; every write needs a version",
        assertThrows(IllegalArgumentException.class, () -> c.apply(upsert("3", null, 1.0)))
            .getMessage());
    assertEquals(
        "quiver table: the vector column 'embedding' has a null at [1] for point 3; vector values"
            + " must be numbers",
        assertThrows(IllegalArgumentException.class, () -> c.apply(upsert("3", 1, 1.0, null)))
            .getMessage());
    GenericRowData before = upsert("3", 1, 1.0);
    before.setRowKind(RowKind.UPDATE_BEFORE);
    assertThrows(IllegalStateException.class, () -> c.apply(before));
  }

  @Test
  void derivedVersionsGrowStrictlyFromTheClock() {
    RowDataConverter c =
        ColumnRoles.resolve(
            row(
                DataTypes.FIELD("id", DataTypes.BIGINT().notNull()),
                DataTypes.FIELD("text", DataTypes.ARRAY(DataTypes.FLOAT()))),
            new int[] {0},
            null,
            null);
    long start = System.currentTimeMillis() * 1000;
    long last = 0;
    for (int i = 0; i < 10_000; i++) {
      QuiverRecord r = c.apply(GenericRowData.of(5L, new GenericArrayData(new float[] {1, 2})));
      assertTrue(r.version() > last, "version " + r.version() + " after " + last);
      last = r.version();
      assertArrayEquals(new float[] {1, 2}, r.vectors().get("text"), "a named vector");
    }
    assertTrue(last >= start + 10_000 - 1, "from the clock in microseconds");
  }
}

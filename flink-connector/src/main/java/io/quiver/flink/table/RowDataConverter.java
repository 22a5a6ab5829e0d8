package io.quiver.flink.table;

import io.quiver.flink.QuiverRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Turns a row of an upsert changelog into a {@link QuiverRecord}: INSERT and UPDATE_AFTER into an
 * upsert of the row's point, DELETE into a delete of its id. {@link ColumnRoles} decides which
 * column is what.
 *
 * <p>Without a version column each write gets a version from this writer: the wall clock in
 * microseconds, and always at least one more than the last, so that the versions of one subtask
 * grow strictly even when the clock stands still or steps back. Each subtask deserializes its own
 * converter, so the counter is the subtask's.
 */
final class RowDataConverter implements SerializableFunction<RowData, QuiverRecord> {

  private static final long serialVersionUID = 1L;

  private final String idColumn;
  private final int idIndex;
  private final boolean stringId;
  private final String versionColumn;
  private final int versionIndex;
  private final LogicalTypeRoot versionType;
  private final VectorColumn[] vectors;
  private final boolean unnamedOnly;
  private final PayloadColumn[] payload;

  private transient long lastDerivedVersion;

  /** An ARRAY&lt;FLOAT&gt; or ARRAY&lt;DOUBLE&gt; column and the vector name it fills. */
  record VectorColumn(String column, int index, String vectorName, boolean doubles)
      implements java.io.Serializable {}

  /**
   * @param versionIndex the version column's index, or -1 for versions derived by the writer
   * @param versionType the version column's integer type, or null
   */
  RowDataConverter(
      String idColumn,
      int idIndex,
      boolean stringId,
      String versionColumn,
      int versionIndex,
      LogicalTypeRoot versionType,
      VectorColumn[] vectors,
      PayloadColumn[] payload) {
    this.idColumn = idColumn;
    this.idIndex = idIndex;
    this.stringId = stringId;
    this.versionColumn = versionColumn;
    this.versionIndex = versionIndex;
    this.versionType = versionType;
    this.vectors = vectors;
    this.unnamedOnly = vectors.length == 1 && vectors[0].vectorName().isEmpty();
    this.payload = payload;
  }

  @Override
  public QuiverRecord apply(RowData row) {
    RowKind kind = row.getRowKind();
    if (kind == RowKind.UPDATE_BEFORE) {
      // The sink's changelog mode leaves UPDATE_BEFORE out, so the planner drops them before it.
      throw new IllegalStateException(
          "quiver table: an UPDATE_BEFORE row reached the sink, which takes an upsert changelog;"
              + " the planner should have dropped it");
    }
    Object id = id(row);
    long version = versionIndex < 0 ? derivedVersion() : version(row, id);
    if (kind == RowKind.DELETE) {
      return QuiverRecord.delete(id, version);
    }
    QuiverRecord record;
    if (unnamedOnly) {
      record = QuiverRecord.upsert(id, vector(row, vectors[0], id), version);
    } else {
      Map<String, float[]> named = new LinkedHashMap<>();
      for (VectorColumn c : vectors) {
        named.put(c.vectorName(), vector(row, c, id));
      }
      record = QuiverRecord.upsertNamed(id, named, version);
    }
    if (payload.length == 0) {
      return record;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (PayloadColumn c : payload) {
      fields.put(c.name, c.read(row));
    }
    return record.withPayload(fields);
  }

  private Object id(RowData row) {
    if (row.isNullAt(idIndex)) {
      throw new IllegalArgumentException(
          "quiver table: the primary key column '" + idColumn + "' is null");
    }
    if (!stringId) {
      return row.getLong(idIndex);
    }
    String text = row.getString(idIndex).toString();
    try {
      // Parses an unsigned integer or a UUID the way every record's id is parsed.
      return QuiverRecord.delete(text, 0).id();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "quiver table: the primary key column '"
              + idColumn
              + "' holds '"
              + text
              + "', which is neither an unsigned 64-bit integer nor a UUID",
          e);
    }
  }

  private long version(RowData row, Object id) {
    if (row.isNullAt(versionIndex)) {
      throw new IllegalArgumentException(
          "quiver table: the version column '"
              + versionColumn
              + "' is null for point "
              + id
              + "; every write needs a version");
    }
    long v;
    switch (versionType) {
      case TINYINT:
        v = row.getByte(versionIndex);
        break;
      case SMALLINT:
        v = row.getShort(versionIndex);
        break;
      case INTEGER:
        v = row.getInt(versionIndex);
        break;
      default:
        v = row.getLong(versionIndex);
    }
    if (v < 0) {
      throw new IllegalArgumentException(
          "quiver table: the version column '"
              + versionColumn
              + "' is "
              + v
              + " for point "
              + id
              + "; versions must not be negative");
    }
    return v;
  }

  private long derivedVersion() {
    lastDerivedVersion = Math.max(lastDerivedVersion + 1, System.currentTimeMillis() * 1000);
    return lastDerivedVersion;
  }

  private static float[] vector(RowData row, VectorColumn c, Object id) {
    if (row.isNullAt(c.index())) {
      // The node refuses a point without one of the collection's vectors; say which column.
      throw new IllegalArgumentException(
          "quiver table: the vector column '"
              + c.column()
              + "' is null for the upsert of point "
              + id
              + "; every upsert needs its vectors");
    }
    ArrayData array = row.getArray(c.index());
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      if (array.isNullAt(i)) {
        throw new IllegalArgumentException(
            "quiver table: the vector column '"
                + c.column()
                + "' has a null at ["
                + i
                + "] for point "
                + id
                + "; vector values must be numbers");
      }
      out[i] = c.doubles() ? (float) array.getDouble(i) : array.getFloat(i);
    }
    return out;
  }
}

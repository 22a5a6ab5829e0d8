package io.quiver.spark.write;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Turns a Spark row into a point and its version. Built on the driver from the write's schema and
 * options, where every column is looked up and every type checked (an unknown column or an
 * unsupported type fails the write before any task runs); applied in the tasks. The batch build and
 * the streaming write share it, so a row means the same point to both.
 */
public final class RowConverter implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int SHOWN_ELEMENTS = 8;

  /** A converted row. */
  public record Converted(Point point, long version) {}

  private final String idColumn;
  private final int idOrdinal;
  private final DataType idType;
  private final String[] vectorNames;
  private final String[] vectorColumns;
  private final int[] vectorOrdinals;
  private final VectorColumns.Kind[] vectorKinds;
  private final String versionColumn;
  private final int versionOrdinal;
  private final DataType versionType;
  private final String[] payloadColumns;
  private final int[] payloadOrdinals;
  private final DataType[] payloadTypes;

  RowConverter(StructType schema, WriteOptions o) {
    this(
        schema,
        new RowColumns(o.idColumn, o.vectorColumns, o.versionColumn, o.payloadColumns),
        Map.of());
  }

  /**
   * @param columns the id, vector, version and payload columns
   * @param otherColumns columns the write uses for something else (column to what it is, e.g.
   *     {@code "the op column"}): never payload, so left out of the default payload and refused in
   *     option {@code payload}
   * @throws IllegalArgumentException naming a column that is missing or has an unsupported type
   */
  public RowConverter(StructType schema, RowColumns columns, Map<String, String> otherColumns) {
    Map<String, Integer> ordinals = new HashMap<>();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      ordinals.put(fields[i].name(), i);
    }
    idColumn = columns.id();
    idOrdinal = ordinal(ordinals, schema, idColumn, "id");
    idType = fields[idOrdinal].dataType();
    if (!(idType instanceof LongType
        || idType instanceof IntegerType
        || idType instanceof ShortType
        || idType instanceof ByteType
        || idType instanceof StringType)) {
      throw new IllegalArgumentException(
          "id column '"
              + idColumn
              + "' has type "
              + idType.simpleString()
              + "; ids are long, int or string (a UUID or an unsigned integer)");
    }
    int n = columns.vectors().size();
    vectorNames = new String[n];
    vectorColumns = new String[n];
    vectorOrdinals = new int[n];
    vectorKinds = new VectorColumns.Kind[n];
    int k = 0;
    for (Map.Entry<String, String> e : columns.vectors().entrySet()) {
      vectorNames[k] = e.getKey();
      vectorColumns[k] = e.getValue();
      vectorOrdinals[k] =
          ordinal(ordinals, schema, e.getValue(), e.getKey().isEmpty() ? "vector" : "vectors");
      vectorKinds[k] = VectorColumns.kind(e.getValue(), fields[vectorOrdinals[k]].dataType());
      k++;
    }
    versionColumn = columns.version();
    if (versionColumn != null) {
      versionOrdinal = ordinal(ordinals, schema, versionColumn, "version");
      versionType = fields[versionOrdinal].dataType();
      if (!(versionType instanceof LongType
          || versionType instanceof IntegerType
          || versionType instanceof ShortType
          || versionType instanceof ByteType
          || versionType instanceof TimestampType
          || versionType instanceof TimestampNTZType
          || versionType instanceof DateType)) {
        throw new IllegalArgumentException(
            "version column '"
                + versionColumn
                + "' has type "
                + versionType.simpleString()
                + "; versions are integers, timestamps or dates");
      }
    } else {
      versionOrdinal = -1;
      versionType = null;
    }
    Map<String, String> special = new HashMap<>(otherColumns);
    columns.vectors().values().forEach(c -> special.put(c, "a vector"));
    special.put(idColumn, "the id");
    if (versionColumn != null) {
      special.put(versionColumn, "the version");
    }
    List<String> payload = new ArrayList<>();
    if (columns.payload() == null) {
      for (StructField f : fields) {
        if (!special.containsKey(f.name())) {
          payload.add(f.name());
        }
      }
    } else {
      for (String c : columns.payload()) {
        if (special.containsKey(c)) {
          throw new IllegalArgumentException(
              "option 'payload' lists column '" + c + "', which is " + special.get(c));
        }
        payload.add(c);
      }
    }
    payloadColumns = payload.toArray(new String[0]);
    payloadOrdinals = new int[payloadColumns.length];
    payloadTypes = new DataType[payloadColumns.length];
    for (int i = 0; i < payloadColumns.length; i++) {
      payloadOrdinals[i] = ordinal(ordinals, schema, payloadColumns[i], "payload");
      payloadTypes[i] = fields[payloadOrdinals[i]].dataType();
      PayloadJson.check(payloadColumns[i], payloadTypes[i]);
    }
  }

  private static int ordinal(
      Map<String, Integer> ordinals, StructType schema, String column, String option) {
    Integer i = ordinals.get(column);
    if (i == null) {
      throw new IllegalArgumentException(
          "column '"
              + column
              + "' (option '"
              + option
              + "') is not in the DataFrame; its columns are "
              + List.of(schema.fieldNames()));
    }
    return i;
  }

  /** The vector names in order, {@code ""} for the unnamed vector. */
  public String[] vectorNames() {
    return vectorNames.clone();
  }

  /**
   * Converts {@code row}, the {@code rowNumber}-th of the task (for messages when the id is bad).
   * Vector sizes are checked against {@code dimensions}; a vector with no size yet leaves it to the
   * caller to {@link Dimensions#learn} from the converted point.
   *
   * @throws BadRowException naming the column, the id and the value
   */
  public Converted convert(
      InternalRow row, long rowNumber, Dimensions dimensions, long defaultVersion) {
    PointId id = id(row, rowNumber);
    Map<String, float[]> vectors = new LinkedHashMap<>();
    for (int i = 0; i < vectorNames.length; i++) {
      String column = vectorColumns[i];
      if (row.isNullAt(vectorOrdinals[i])) {
        throw bad(column, id, "the vector is null", null);
      }
      float[] v;
      try {
        v = VectorColumns.read(row, vectorOrdinals[i], vectorKinds[i]);
      } catch (PayloadJson.BadValue e) {
        throw bad(column, id, e.getMessage(), renderVector(row, i));
      }
      if (v.length == 0) {
        throw bad(column, id, "the vector is empty", "[]");
      }
      dimensions.check(vectorNames[i], column, id, v);
      for (int j = 0; j < v.length; j++) {
        if (!Float.isFinite(v[j])) {
          throw bad(
              column, id, "element " + j + " is " + v[j] + "; vectors must be finite", render(v));
        }
      }
      vectors.put(vectorNames[i], v);
    }
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < payloadColumns.length; i++) {
      if (row.isNullAt(payloadOrdinals[i])) {
        continue;
      }
      try {
        payload.set(payloadColumns[i], PayloadJson.value(row, payloadOrdinals[i], payloadTypes[i]));
      } catch (PayloadJson.BadValue e) {
        throw bad(
            payloadColumns[i],
            id,
            e.getMessage(),
            String.valueOf(row.get(payloadOrdinals[i], payloadTypes[i])));
      }
    }
    return new Converted(new Point(id, vectors, payload), version(row, id, defaultVersion));
  }

  /**
   * The id of {@code row}, the {@code rowNumber}-th of the task.
   *
   * @throws BadRowException naming the column and the row when the id is null or invalid
   */
  public PointId id(InternalRow row, long rowNumber) {
    if (row.isNullAt(idOrdinal)) {
      throw new BadRowException(
          "quiver: column '"
              + idColumn
              + "' is null in row "
              + rowNumber
              + " of this task; every point needs an id");
    }
    if (idType instanceof StringType) {
      String text = row.getUTF8String(idOrdinal).toString();
      try {
        return PointId.parse(text, "id");
      } catch (IllegalArgumentException e) {
        throw new BadRowException(
            "quiver: column '"
                + idColumn
                + "' in row "
                + rowNumber
                + " of this task holds '"
                + text
                + "', which is neither a UUID nor an unsigned integer");
      }
    }
    long value;
    if (idType instanceof LongType) {
      value = row.getLong(idOrdinal);
    } else if (idType instanceof IntegerType) {
      value = row.getInt(idOrdinal);
    } else if (idType instanceof ShortType) {
      value = row.getShort(idOrdinal);
    } else {
      value = row.getByte(idOrdinal);
    }
    if (value < 0) {
      throw new BadRowException(
          "quiver: column '"
              + idColumn
              + "' in row "
              + rowNumber
              + " of this task holds "
              + value
              + "; numeric ids are unsigned (use a string column for ids above 2^63-1)");
    }
    return PointId.of(value);
  }

  /**
   * The version of {@code row} (whose id is {@code id}), or {@code defaultVersion} without a
   * version column.
   *
   * @throws BadRowException when the version is null or negative
   */
  public long version(InternalRow row, PointId id, long defaultVersion) {
    if (versionOrdinal < 0) {
      return defaultVersion;
    }
    if (row.isNullAt(versionOrdinal)) {
      throw bad(versionColumn, id, "the version is null", null);
    }
    long v;
    if (versionType instanceof IntegerType || versionType instanceof DateType) {
      v = row.getInt(versionOrdinal);
    } else if (versionType instanceof ShortType) {
      v = row.getShort(versionOrdinal);
    } else if (versionType instanceof ByteType) {
      v = row.getByte(versionOrdinal);
    } else {
      v = row.getLong(versionOrdinal);
    }
    if (v < 0) {
      throw bad(versionColumn, id, "versions must be >= 0", Long.toString(v));
    }
    return v;
  }

  /** A bad row: names the column, the row's id, what is wrong and the value (if not null). */
  public static BadRowException bad(String column, PointId id, String problem, String value) {
    return new BadRowException(
        "quiver: bad value in column '"
            + column
            + "' for id "
            + id
            + ": "
            + problem
            + (value == null ? "" : "; value: " + value));
  }

  private String renderVector(InternalRow row, int i) {
    if (vectorKinds[i] == VectorColumns.Kind.ML_VECTOR) {
      return render(VectorColumns.mlVectorValues(row, vectorOrdinals[i]));
    }
    ArrayData a = row.getArray(vectorOrdinals[i]);
    StringBuilder out = new StringBuilder("[");
    int shown = Math.min(a.numElements(), SHOWN_ELEMENTS);
    for (int j = 0; j < shown; j++) {
      out.append(j > 0 ? ", " : "")
          .append(
              a.isNullAt(j)
                  ? "null"
                  : vectorKinds[i] == VectorColumns.Kind.FLOAT_ARRAY
                      ? Float.toString(a.getFloat(j))
                      : Double.toString(a.getDouble(j)));
    }
    return close(out, a.numElements());
  }

  static String render(float[] v) {
    StringBuilder out = new StringBuilder("[");
    for (int j = 0; j < Math.min(v.length, SHOWN_ELEMENTS); j++) {
      out.append(j > 0 ? ", " : "").append(v[j]);
    }
    return close(out, v.length);
  }

  static String render(double[] v) {
    StringBuilder out = new StringBuilder("[");
    for (int j = 0; j < Math.min(v.length, SHOWN_ELEMENTS); j++) {
      out.append(j > 0 ? ", " : "").append(v[j]);
    }
    return close(out, v.length);
  }

  private static String close(StringBuilder out, int length) {
    if (length > SHOWN_ELEMENTS) {
      out.append(", ...");
    }
    return out.append("] (")
        .append(length)
        .append(length == 1 ? " element)" : " elements)")
        .toString();
  }

  /**
   * The size of each vector in one task: given by the options or the current version, or learned
   * from the task's first good row (and then checked by the driver across tasks).
   */
  public static final class Dimensions {
    private final Map<String, Integer> sizes = new LinkedHashMap<>();
    private final Map<String, PointId> learnedFrom = new HashMap<>();

    public Dimensions(Map<String, Integer> known) {
      sizes.putAll(known);
    }

    void check(String vector, String column, PointId id, float[] v) {
      Integer size = sizes.get(vector);
      if (size != null && size != v.length) {
        PointId first = learnedFrom.get(vector);
        throw bad(
            column,
            id,
            "expected "
                + size
                + " elements, got "
                + v.length
                + (first == null
                    ? ""
                    : " (the size was taken from this task's first row, id "
                        + first
                        + "; give option 'dimension' to fix it)"),
            render(v));
      }
    }

    /** Takes the sizes not known yet from a converted point. */
    void learn(Point point) {
      for (Map.Entry<String, float[]> e : point.vectors().entrySet()) {
        if (sizes.putIfAbsent(e.getKey(), e.getValue().length) == null) {
          learnedFrom.put(e.getKey(), point.id());
        }
      }
    }

    boolean complete(String[] names) {
      for (String n : names) {
        if (!sizes.containsKey(n)) {
          return false;
        }
      }
      return true;
    }

    Map<String, Integer> sizes() {
      return Map.copyOf(sizes);
    }
  }
}

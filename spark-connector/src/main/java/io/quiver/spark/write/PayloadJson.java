package io.quiver.spark.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Spark values to payload JSON. Numbers, booleans and strings map to themselves; dates become
 * {@code yyyy-MM-dd}, timestamps RFC 3339 in UTC ({@code 2024-05-01T12:00:00Z}, the form Qdrant's
 * datetime index reads), timestamps without zone ISO local date-times; arrays become JSON arrays,
 * structs and maps JSON objects (map keys as strings), Spark ML vectors arrays of numbers. A null
 * top-level column is left out of the payload; nulls inside arrays, structs and maps stay null. NaN
 * and infinities have no JSON form and make the row bad.
 */
final class PayloadJson {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private PayloadJson() {}

  /** A value that cannot become JSON; the message says why. */
  static final class BadValue extends Exception {
    private static final long serialVersionUID = 1L;

    BadValue(String message) {
      super(message);
    }
  }

  /**
   * Checks, on the driver, that a column of {@code type} can become JSON.
   *
   * @throws IllegalArgumentException naming the column and the type that cannot
   */
  static void check(String column, DataType type) {
    String problem = unsupported(type);
    if (problem != null) {
      throw new IllegalArgumentException(
          "column '"
              + column
              + "' has type "
              + type.simpleString()
              + ", which a quiver payload cannot hold ("
              + problem
              + " is not supported; payloads take numbers, booleans, strings, dates, timestamps"
              + " and arrays, structs and maps of them). Drop the column, convert it, or list"
              + " the payload columns with option 'payload'.");
    }
  }

  /** The part of {@code type} that has no JSON form, or null. */
  private static String unsupported(DataType type) {
    if (type instanceof ArrayType a) {
      return unsupported(a.elementType());
    }
    if (type instanceof MapType m) {
      String key = unsupported(m.keyType());
      return key != null ? key : unsupported(m.valueType());
    }
    if (type instanceof StructType s) {
      for (StructField f : s.fields()) {
        String problem = unsupported(f.dataType());
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    if (VectorColumns.isMlVector(type)) {
      return null;
    }
    return atomic(type) ? null : type.simpleString();
  }

  private static boolean atomic(DataType t) {
    return t instanceof BooleanType
        || t instanceof ByteType
        || t instanceof ShortType
        || t instanceof IntegerType
        || t instanceof LongType
        || t instanceof FloatType
        || t instanceof DoubleType
        || t instanceof DecimalType
        || t instanceof StringType
        || t instanceof DateType
        || t instanceof TimestampType
        || t instanceof TimestampNTZType;
  }

  /** The JSON of the non-null value at {@code ordinal}; types were checked by {@link #check}. */
  static JsonNode value(SpecializedGetters data, int ordinal, DataType type) throws BadValue {
    if (data.isNullAt(ordinal)) {
      return JSON.nullNode();
    }
    if (type instanceof BooleanType) {
      return JSON.booleanNode(data.getBoolean(ordinal));
    } else if (type instanceof ByteType) {
      return JSON.numberNode(data.getByte(ordinal));
    } else if (type instanceof ShortType) {
      return JSON.numberNode(data.getShort(ordinal));
    } else if (type instanceof IntegerType) {
      return JSON.numberNode(data.getInt(ordinal));
    } else if (type instanceof LongType) {
      return JSON.numberNode(data.getLong(ordinal));
    } else if (type instanceof FloatType) {
      return finite(data.getFloat(ordinal));
    } else if (type instanceof DoubleType) {
      return finite(data.getDouble(ordinal));
    } else if (type instanceof DecimalType d) {
      return JSON.numberNode(data.getDecimal(ordinal, d.precision(), d.scale()).toJavaBigDecimal());
    } else if (type instanceof StringType) {
      return JSON.textNode(data.getUTF8String(ordinal).toString());
    } else if (type instanceof DateType) {
      return JSON.textNode(LocalDate.ofEpochDay(data.getInt(ordinal)).toString());
    } else if (type instanceof TimestampType) {
      return JSON.textNode(instant(data.getLong(ordinal)).toString());
    } else if (type instanceof TimestampNTZType) {
      return JSON.textNode(
          LocalDateTime.ofInstant(instant(data.getLong(ordinal)), ZoneOffset.UTC).toString());
    } else if (type instanceof ArrayType a) {
      ArrayData array = data.getArray(ordinal);
      ArrayNode out = JSON.arrayNode(array.numElements());
      for (int i = 0; i < array.numElements(); i++) {
        out.add(value(array, i, a.elementType()));
      }
      return out;
    } else if (type instanceof MapType m) {
      MapData map = data.getMap(ordinal);
      ArrayData keys = map.keyArray();
      ArrayData values = map.valueArray();
      ObjectNode out = JSON.objectNode();
      for (int i = 0; i < map.numElements(); i++) {
        JsonNode key = value(keys, i, m.keyType());
        out.set(
            key.isTextual() ? key.textValue() : key.toString(), value(values, i, m.valueType()));
      }
      return out;
    } else if (type instanceof StructType s) {
      InternalRow struct = data.getStruct(ordinal, s.size());
      ObjectNode out = JSON.objectNode();
      StructField[] fields = s.fields();
      for (int i = 0; i < fields.length; i++) {
        out.set(fields[i].name(), value(struct, i, fields[i].dataType()));
      }
      return out;
    } else if (VectorColumns.isMlVector(type)) {
      ArrayNode out = JSON.arrayNode();
      for (double v : VectorColumns.mlVectorValues(data, ordinal)) {
        out.add(finite(v));
      }
      return out;
    }
    throw new IllegalStateException("unchecked payload type " + type.simpleString());
  }

  private static JsonNode finite(double v) throws BadValue {
    if (!Double.isFinite(v)) {
      throw new BadValue(v + " has no JSON form");
    }
    return JSON.numberNode(v);
  }

  private static JsonNode finite(float v) throws BadValue {
    if (!Float.isFinite(v)) {
      throw new BadValue(v + " has no JSON form");
    }
    return JSON.numberNode(v);
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}

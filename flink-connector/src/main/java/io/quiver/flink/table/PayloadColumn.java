package io.quiver.flink.table;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;

/**
 * One payload column: reads its value from a row and turns Flink's internal data into the Java
 * values the payload is built from. Integers stay integers, FLOAT / DOUBLE / DECIMAL become JSON
 * numbers, CHAR / VARCHAR strings, DATE / TIME / TIMESTAMP ISO-8601 text (TIMESTAMP_LTZ as an
 * instant, {@code ...Z}), ARRAY a list, MAP with string keys and ROW an object; SQL NULL is JSON
 * null. Any other type (BINARY, RAW, INTERVAL, MULTISET ...) is refused when the table is created.
 */
final class PayloadColumn implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Internal data (as {@link RowData.FieldGetter} returns it, never null) to a payload value. */
  interface Value extends Serializable {
    Object of(Object internal);
  }

  final String name;
  private final RowData.FieldGetter getter;
  private final Value value;

  PayloadColumn(String name, LogicalType type, int index) {
    this.name = name;
    this.getter = RowData.createFieldGetter(type, index);
    this.value = value(type, "column '" + name + "'");
  }

  Object read(RowData row) {
    Object internal = getter.getFieldOrNull(row);
    return internal == null ? null : value.of(internal);
  }

  private static Value value(LogicalType type, String where) {
    switch (type.getTypeRoot()) {
      case BOOLEAN:
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
      case FLOAT:
      case DOUBLE:
        return v -> v;
      case DECIMAL:
        return v -> ((DecimalData) v).toBigDecimal();
      case CHAR:
      case VARCHAR:
        return v -> ((StringData) v).toString();
      case DATE:
        return v -> LocalDate.ofEpochDay((Integer) v).toString();
      case TIME_WITHOUT_TIME_ZONE:
        return v -> LocalTime.ofNanoOfDay((Integer) v * 1_000_000L).toString();
      case TIMESTAMP_WITHOUT_TIME_ZONE:
        return v -> ((TimestampData) v).toLocalDateTime().toString();
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
        return v -> ((TimestampData) v).toInstant().toString();
      case ARRAY:
        return list(((ArrayType) type).getElementType(), where + " element");
      case MAP:
        MapType map = (MapType) type;
        if (!map.getKeyType().is(LogicalTypeFamily.CHARACTER_STRING)) {
          throw unsupported(type, where, "a payload object needs string keys");
        }
        return object(map.getValueType(), where + " value");
      case ROW:
        return row((RowType) type, where);
      default:
        throw unsupported(
            type,
            where,
            type instanceof MultisetType
                ? "a multiset has no JSON form"
                : "payload columns are BOOLEAN, integers, FLOAT, DOUBLE, DECIMAL, CHAR, VARCHAR,"
                    + " DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ, ARRAY, MAP with string keys or ROW");
    }
  }

  private static Value list(LogicalType elementType, String where) {
    ArrayData.ElementGetter element = ArrayData.createElementGetter(elementType);
    Value item = value(elementType, where);
    return v -> {
      ArrayData array = (ArrayData) v;
      List<Object> out = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        Object e = element.getElementOrNull(array, i);
        out.add(e == null ? null : item.of(e));
      }
      return out;
    };
  }

  private static Value object(LogicalType valueType, String where) {
    ArrayData.ElementGetter element = ArrayData.createElementGetter(valueType);
    Value item = value(valueType, where);
    return v -> {
      MapData map = (MapData) v;
      ArrayData keys = map.keyArray();
      ArrayData values = map.valueArray();
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < map.size(); i++) {
        Object e = element.getElementOrNull(values, i);
        out.put(keys.getString(i).toString(), e == null ? null : item.of(e));
      }
      return out;
    };
  }

  private static Value row(RowType type, String where) {
    int n = type.getFieldCount();
    String[] names = type.getFieldNames().toArray(new String[0]);
    RowData.FieldGetter[] getters = new RowData.FieldGetter[n];
    Value[] values = new Value[n];
    for (int i = 0; i < n; i++) {
      getters[i] = RowData.createFieldGetter(type.getTypeAt(i), i);
      values[i] = value(type.getTypeAt(i), where + " field '" + names[i] + "'");
    }
    return v -> {
      RowData row = (RowData) v;
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        Object f = getters[i].getFieldOrNull(row);
        out.put(names[i], f == null ? null : values[i].of(f));
      }
      return out;
    };
  }

  private static ValidationException unsupported(LogicalType type, String where, String why) {
    return new ValidationException(
        "quiver table: payload "
            + where
            + " has type "
            + type
            + ", which a payload cannot hold: "
            + why);
  }
}

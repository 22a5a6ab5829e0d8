package io.quiver.flink.table;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * Decides what each column of a quiver table is, and refuses a table that cannot be written, naming
 * the column or the option:
 *
 * <ul>
 *   <li>the primary key, one BIGINT or STRING column, is the point id;
 *   <li>the column named by option {@code version}, of an integer type, is each write's version;
 *   <li>every ARRAY&lt;FLOAT&gt; or ARRAY&lt;DOUBLE&gt; column is a vector: the one named by option
 *       {@code vector} the point's unnamed vector, each other one a named vector of its column's
 *       name; there must be at least one;
 *   <li>every other column is a payload field of its column's name.
 * </ul>
 */
final class ColumnRoles {

  private ColumnRoles() {}

  static RowDataConverter resolve(
      RowType row, int[] primaryKey, String versionColumn, String vectorColumn) {
    List<String> names = row.getFieldNames();
    if (primaryKey.length == 0) {
      throw new ValidationException(
          "quiver table: a primary key is required: declare PRIMARY KEY (<column>) NOT ENFORCED"
              + " on the column that is the point id (BIGINT or STRING); the sink writes upserts"
              + " and deletes by that key");
    }
    if (primaryKey.length > 1) {
      List<String> key = new ArrayList<>();
      for (int i : primaryKey) {
        key.add(names.get(i));
      }
      throw new ValidationException(
          "quiver table: the primary key must be a single column, the point id (BIGINT or"
              + " STRING); got "
              + key);
    }
    int idIndex = primaryKey[0];
    String idColumn = names.get(idIndex);
    LogicalType idType = row.getTypeAt(idIndex);
    boolean stringId = idType.is(LogicalTypeFamily.CHARACTER_STRING);
    if (!stringId && !idType.is(LogicalTypeRoot.BIGINT)) {
      throw new ValidationException(
          "quiver table: the primary key column '"
              + idColumn
              + "' has type "
              + idType
              + "; the point id must be BIGINT (read as unsigned) or STRING (an unsigned integer"
              + " or a UUID)");
    }

    int versionIndex = -1;
    if (versionColumn != null) {
      versionIndex = column(names, versionColumn, QuiverTableOptions.VERSION.key());
      LogicalType type = row.getTypeAt(versionIndex);
      if (!type.is(LogicalTypeFamily.INTEGER_NUMERIC)) {
        throw new ValidationException(
            "quiver table: option 'version' names column '"
                + versionColumn
                + "' of type "
                + type
                + "; the version column must be an integer type (TINYINT, SMALLINT, INT or"
                + " BIGINT)");
      }
      if (versionIndex == idIndex) {
        throw new ValidationException(
            "quiver table: option 'version' names the primary key column '"
                + versionColumn
                + "'; the version must change with every change of a point");
      }
    }

    int unnamedIndex = -1;
    if (vectorColumn != null) {
      unnamedIndex = column(names, vectorColumn, QuiverTableOptions.VECTOR.key());
      if (!isVector(row.getTypeAt(unnamedIndex))) {
        throw new ValidationException(
            "quiver table: option 'vector' names column '"
                + vectorColumn
                + "' of type "
                + row.getTypeAt(unnamedIndex)
                + "; a vector column must be ARRAY<FLOAT> or ARRAY<DOUBLE>");
      }
    }

    List<RowDataConverter.VectorColumn> vectors = new ArrayList<>();
    List<PayloadColumn> payload = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      LogicalType type = row.getTypeAt(i);
      if (i == idIndex || i == versionIndex) {
        continue;
      }
      if (isVector(type)) {
        boolean doubles = ((ArrayType) type).getElementType().is(LogicalTypeRoot.DOUBLE);
        vectors.add(
            new RowDataConverter.VectorColumn(
                names.get(i), i, i == unnamedIndex ? "" : names.get(i), doubles));
      } else {
        payload.add(new PayloadColumn(names.get(i), type, i));
      }
    }
    if (vectors.isEmpty()) {
      throw new ValidationException(
          "quiver table: no vector column among "
              + names
              + ": a point needs a vector; declare an ARRAY<FLOAT> (or ARRAY<DOUBLE>) column, a"
              + " named vector of the column's name, or the unnamed vector with option 'vector'");
    }
    return new RowDataConverter(
        idColumn,
        idIndex,
        stringId,
        versionColumn,
        versionIndex,
        versionIndex < 0 ? null : row.getTypeAt(versionIndex).getTypeRoot(),
        vectors.toArray(new RowDataConverter.VectorColumn[0]),
        payload.toArray(new PayloadColumn[0]));
  }

  private static boolean isVector(LogicalType type) {
    if (!type.is(LogicalTypeRoot.ARRAY)) {
      return false;
    }
    LogicalType element = ((ArrayType) type).getElementType();
    return element.is(LogicalTypeRoot.FLOAT) || element.is(LogicalTypeRoot.DOUBLE);
  }

  private static int column(List<String> names, String column, String option) {
    int i = names.indexOf(column);
    if (i < 0) {
      throw new ValidationException(
          "quiver table: option '"
              + option
              + "' names column '"
              + column
              + "', which the table does not have; its columns are "
              + names);
    }
    return i;
  }
}

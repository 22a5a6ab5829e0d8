package io.quiver.spark.write;

import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Reads vectors from the column types the connector takes: {@code array<float>}, {@code
 * array<double>} and Spark ML {@code Vector} (dense or sparse). The ML vector is read through its
 * SQL form ({@code struct<type: byte, size: int, indices: array<int>, values: array<double>>}), so
 * the connector needs no MLlib on its classpath.
 */
final class VectorColumns {

  private static final Set<String> ML_VECTOR_CLASSES =
      Set.of("org.apache.spark.ml.linalg.Vector", "org.apache.spark.mllib.linalg.Vector");

  private VectorColumns() {}

  enum Kind {
    FLOAT_ARRAY,
    DOUBLE_ARRAY,
    ML_VECTOR
  }

  /**
   * The kind of a vector column.
   *
   * @throws IllegalArgumentException naming the column and its type if it holds no vectors
   */
  static Kind kind(String column, DataType type) {
    if (type instanceof ArrayType a && a.elementType() instanceof FloatType) {
      return Kind.FLOAT_ARRAY;
    }
    if (type instanceof ArrayType a && a.elementType() instanceof DoubleType) {
      return Kind.DOUBLE_ARRAY;
    }
    if (isMlVector(type)) {
      return Kind.ML_VECTOR;
    }
    throw new IllegalArgumentException(
        "vector column '"
            + column
            + "' has type "
            + type.simpleString()
            + "; a vector column must be array<float>, array<double> or a Spark ML Vector");
  }

  static boolean isMlVector(DataType type) {
    return type instanceof UserDefinedType<?> udt
        && ML_VECTOR_CLASSES.contains(udt.userClass().getName());
  }

  /** The dense values of the non-null ML vector at {@code ordinal}. */
  static double[] mlVectorValues(SpecializedGetters data, int ordinal) {
    InternalRow v = data.getStruct(ordinal, 4);
    double[] values = v.getArray(3).toDoubleArray();
    if (v.getByte(0) == 1) {
      return values;
    }
    double[] dense = new double[v.getInt(1)];
    int[] indices = v.getArray(2).toIntArray();
    for (int i = 0; i < indices.length; i++) {
      dense[indices[i]] = values[i];
    }
    return dense;
  }

  /**
   * The non-null vector at {@code ordinal} as floats.
   *
   * @throws PayloadJson.BadValue if an element is null, or a double does not fit a float
   */
  static float[] read(SpecializedGetters row, int ordinal, Kind kind) throws PayloadJson.BadValue {
    switch (kind) {
      case FLOAT_ARRAY:
        {
          ArrayData a = row.getArray(ordinal);
          checkNoNulls(a);
          return a.toFloatArray();
        }
      case DOUBLE_ARRAY:
        {
          ArrayData a = row.getArray(ordinal);
          checkNoNulls(a);
          return toFloats(a.toDoubleArray());
        }
      default:
        return toFloats(mlVectorValues(row, ordinal));
    }
  }

  private static void checkNoNulls(ArrayData a) throws PayloadJson.BadValue {
    for (int i = 0; i < a.numElements(); i++) {
      if (a.isNullAt(i)) {
        throw new PayloadJson.BadValue("element " + i + " is null");
      }
    }
  }

  private static float[] toFloats(double[] values) throws PayloadJson.BadValue {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
      if (Double.isFinite(values[i]) && !Float.isFinite(out[i])) {
        throw new PayloadJson.BadValue(
            "element " + i + " = " + values[i] + " is out of the float32 range");
      }
    }
    return out;
  }
}

package io.quiver.engine.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API, at the platform's preferred width (512 bits with AVX-512,
 * 256 with AVX2). Tails shorter than one vector are finished with scalar code, so any dimension
 * works. Only {@link VectorOpsProvider} touches this class: loading it needs the {@code
 * jdk.incubator.vector} module.
 */
final class PanamaVectorOps implements VectorOps {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  /** Whether {@link #dotMany} may keep sixteen accumulators in registers (AVX-512 and wider). */
  private static final boolean WIDE = SPECIES.vectorBitSize() >= 512;

  /** Bytes with as many lanes as {@link #SPECIES}: one load widens into one float vector. */
  private static final VectorSpecies<Byte> BYTE_SPECIES =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * Byte.SIZE));

  PanamaVectorOps() {}

  @Override
  public String name() {
    return "panama-" + SPECIES.vectorBitSize() + "bit";
  }

  static int lanes() {
    return LANES;
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
    int i = 0;
    float sum = 0;
    if (length >= 2 * LANES) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      for (int bound = length - 2 * LANES; i <= bound; i += 2 * LANES) {
        acc0 =
            FloatVector.fromArray(SPECIES, a, aOffset + i)
                .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
        acc1 =
            FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES), acc1);
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i <= length - LANES; i += LANES) {
      sum +=
          FloatVector.fromArray(SPECIES, a, aOffset + i)
              .mul(FloatVector.fromArray(SPECIES, b, bOffset + i))
              .reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      sum += a[aOffset + i] * b[bOffset + i];
    }
    return sum;
  }

  @Override
  public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
    int i = 0;
    float sum = 0;
    if (length >= 2 * LANES) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      for (int bound = length - 2 * LANES; i <= bound; i += 2 * LANES) {
        FloatVector d0 =
            FloatVector.fromArray(SPECIES, a, aOffset + i)
                .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
        FloatVector d1 =
            FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES));
        acc0 = d0.fma(d0, acc0);
        acc1 = d1.fma(d1, acc1);
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i <= length - LANES; i += LANES) {
      FloatVector d =
          FloatVector.fromArray(SPECIES, a, aOffset + i)
              .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
      sum += d.mul(d).reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      float d = a[aOffset + i] - b[bOffset + i];
      sum += d * d;
    }
    return sum;
  }

  @Override
  public float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length) {
    int i = 0;
    float sum = 0;
    if (length >= LANES) {
      FloatVector acc = FloatVector.zero(SPECIES);
      for (int bound = length - LANES; i <= bound; i += LANES) {
        FloatVector d =
            FloatVector.fromArray(SPECIES, a, aOffset + i)
                .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
        acc = acc.add(d.abs());
      }
      sum = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      sum += Math.abs(a[aOffset + i] - b[bOffset + i]);
    }
    return sum;
  }

  /**
   * Sixteen vectors per loop where the platform has the registers for sixteen accumulators (AVX-512
   * has 32 vector registers, AVX2 16), eight otherwise; a vector left alone goes through {@link
   * #dot}, since filling a kernel with repeats of it costs more arithmetic than it saves. Every
   * lane accumulates the same way whatever the width, so a vector scores the same in any batch of
   * two or more.
   */
  @Override
  public void dotMany(
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int count,
      int length,
      float[] out) {
    if (count > 8 && WIDE) {
      dot16(q, qOffset, vectors, offsets, 0, count, length, out);
    } else {
      for (int from = 0; from < count; from += 8) {
        int n = Math.min(8, count - from);
        if (n == 1) {
          out[from] = dot(q, qOffset, vectors[from], offsets[from], length);
        } else {
          dot8(q, qOffset, vectors, offsets, from, n, length, out);
        }
      }
    }
  }

  /** As {@link #dotMany}. */
  @Override
  public void squareDistanceMany(
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int count,
      int length,
      float[] out) {
    if (count > 8 && WIDE) {
      squareDistance16(q, qOffset, vectors, offsets, 0, count, length, out);
    } else {
      for (int from = 0; from < count; from += 8) {
        int n = Math.min(8, count - from);
        if (n == 1) {
          out[from] = squareDistance(q, qOffset, vectors[from], offsets[from], length);
        } else {
          squareDistance8(q, qOffset, vectors, offsets, from, n, length, out);
        }
      }
    }
  }

  /**
   * Eight dot products into {@code out[from..from + 8)} of the vectors {@code from..from + n)}, the
   * last standing in for any missing ones (a repeat reads from cache).
   */
  private static void dot8(
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int from,
      int n,
      int length,
      float[] out) {
    float[] v0 = vectors[from];
    float[] v1 = vectors[from + Math.min(1, n - 1)];
    float[] v2 = vectors[from + Math.min(2, n - 1)];
    float[] v3 = vectors[from + Math.min(3, n - 1)];
    float[] v4 = vectors[from + Math.min(4, n - 1)];
    float[] v5 = vectors[from + Math.min(5, n - 1)];
    float[] v6 = vectors[from + Math.min(6, n - 1)];
    float[] v7 = vectors[from + Math.min(7, n - 1)];
    int o0 = offsets[from];
    int o1 = offsets[from + Math.min(1, n - 1)];
    int o2 = offsets[from + Math.min(2, n - 1)];
    int o3 = offsets[from + Math.min(3, n - 1)];
    int o4 = offsets[from + Math.min(4, n - 1)];
    int o5 = offsets[from + Math.min(5, n - 1)];
    int o6 = offsets[from + Math.min(6, n - 1)];
    int o7 = offsets[from + Math.min(7, n - 1)];
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = acc0;
    FloatVector acc2 = acc0;
    FloatVector acc3 = acc0;
    FloatVector acc4 = acc0;
    FloatVector acc5 = acc0;
    FloatVector acc6 = acc0;
    FloatVector acc7 = acc0;
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, q, qOffset + i);
      acc0 = x.fma(FloatVector.fromArray(SPECIES, v0, o0 + i), acc0);
      acc1 = x.fma(FloatVector.fromArray(SPECIES, v1, o1 + i), acc1);
      acc2 = x.fma(FloatVector.fromArray(SPECIES, v2, o2 + i), acc2);
      acc3 = x.fma(FloatVector.fromArray(SPECIES, v3, o3 + i), acc3);
      acc4 = x.fma(FloatVector.fromArray(SPECIES, v4, o4 + i), acc4);
      acc5 = x.fma(FloatVector.fromArray(SPECIES, v5, o5 + i), acc5);
      acc6 = x.fma(FloatVector.fromArray(SPECIES, v6, o6 + i), acc6);
      acc7 = x.fma(FloatVector.fromArray(SPECIES, v7, o7 + i), acc7);
    }
    out[from + 0] = acc0.reduceLanes(VectorOperators.ADD);
    out[from + 1] = acc1.reduceLanes(VectorOperators.ADD);
    out[from + 2] = acc2.reduceLanes(VectorOperators.ADD);
    out[from + 3] = acc3.reduceLanes(VectorOperators.ADD);
    out[from + 4] = acc4.reduceLanes(VectorOperators.ADD);
    out[from + 5] = acc5.reduceLanes(VectorOperators.ADD);
    out[from + 6] = acc6.reduceLanes(VectorOperators.ADD);
    out[from + 7] = acc7.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      float x = q[qOffset + i];
      for (int j = 0; j < 8; j++) {
        int v = from + Math.min(j, n - 1);
        out[from + j] += x * vectors[v][offsets[v] + i];
      }
    }
  }

  /**
   * Sixteen dot products into {@code out[from..from + 16)} of the vectors {@code from..from + n)},
   * the last standing in for any missing ones (a repeat reads from cache).
   */
  private static void dot16(
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int from,
      int n,
      int length,
      float[] out) {
    float[] v0 = vectors[from];
    float[] v1 = vectors[from + Math.min(1, n - 1)];
    float[] v2 = vectors[from + Math.min(2, n - 1)];
    float[] v3 = vectors[from + Math.min(3, n - 1)];
    float[] v4 = vectors[from + Math.min(4, n - 1)];
    float[] v5 = vectors[from + Math.min(5, n - 1)];
    float[] v6 = vectors[from + Math.min(6, n - 1)];
    float[] v7 = vectors[from + Math.min(7, n - 1)];
    float[] v8 = vectors[from + Math.min(8, n - 1)];
    float[] v9 = vectors[from + Math.min(9, n - 1)];
    float[] v10 = vectors[from + Math.min(10, n - 1)];
    float[] v11 = vectors[from + Math.min(11, n - 1)];
    float[] v12 = vectors[from + Math.min(12, n - 1)];
    float[] v13 = vectors[from + Math.min(13, n - 1)];
    float[] v14 = vectors[from + Math.min(14, n - 1)];
    float[] v15 = vectors[from + Math.min(15, n - 1)];
    int o0 = offsets[from];
    int o1 = offsets[from + Math.min(1, n - 1)];
    int o2 = offsets[from + Math.min(2, n - 1)];
    int o3 = offsets[from + Math.min(3, n - 1)];
    int o4 = offsets[from + Math.min(4, n - 1)];
    int o5 = offsets[from + Math.min(5, n - 1)];
    int o6 = offsets[from + Math.min(6, n - 1)];
    int o7 = offsets[from + Math.min(7, n - 1)];
    int o8 = offsets[from + Math.min(8, n - 1)];
    int o9 = offsets[from + Math.min(9, n - 1)];
    int o10 = offsets[from + Math.min(10, n - 1)];
    int o11 = offsets[from + Math.min(11, n - 1)];
    int o12 = offsets[from + Math.min(12, n - 1)];
    int o13 = offsets[from + Math.min(13, n - 1)];
    int o14 = offsets[from + Math.min(14, n - 1)];
    int o15 = offsets[from + Math.min(15, n - 1)];
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = acc0;
    FloatVector acc2 = acc0;
    FloatVector acc3 = acc0;
    FloatVector acc4 = acc0;
    FloatVector acc5 = acc0;
    FloatVector acc6 = acc0;
    FloatVector acc7 = acc0;
    FloatVector acc8 = acc0;
    FloatVector acc9 = acc0;
    FloatVector acc10 = acc0;
    FloatVector acc11 = acc0;
    FloatVector acc12 = acc0;
    FloatVector acc13 = acc0;
    FloatVector acc14 = acc0;
    FloatVector acc15 = acc0;
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, q, qOffset + i);
      acc0 = x.fma(FloatVector.fromArray(SPECIES, v0, o0 + i), acc0);
      acc1 = x.fma(FloatVector.fromArray(SPECIES, v1, o1 + i), acc1);
      acc2 = x.fma(FloatVector.fromArray(SPECIES, v2, o2 + i), acc2);
      acc3 = x.fma(FloatVector.fromArray(SPECIES, v3, o3 + i), acc3);
      acc4 = x.fma(FloatVector.fromArray(SPECIES, v4, o4 + i), acc4);
      acc5 = x.fma(FloatVector.fromArray(SPECIES, v5, o5 + i), acc5);
      acc6 = x.fma(FloatVector.fromArray(SPECIES, v6, o6 + i), acc6);
      acc7 = x.fma(FloatVector.fromArray(SPECIES, v7, o7 + i), acc7);
      acc8 = x.fma(FloatVector.fromArray(SPECIES, v8, o8 + i), acc8);
      acc9 = x.fma(FloatVector.fromArray(SPECIES, v9, o9 + i), acc9);
      acc10 = x.fma(FloatVector.fromArray(SPECIES, v10, o10 + i), acc10);
      acc11 = x.fma(FloatVector.fromArray(SPECIES, v11, o11 + i), acc11);
      acc12 = x.fma(FloatVector.fromArray(SPECIES, v12, o12 + i), acc12);
      acc13 = x.fma(FloatVector.fromArray(SPECIES, v13, o13 + i), acc13);
      acc14 = x.fma(FloatVector.fromArray(SPECIES, v14, o14 + i), acc14);
      acc15 = x.fma(FloatVector.fromArray(SPECIES, v15, o15 + i), acc15);
    }
    out[from + 0] = acc0.reduceLanes(VectorOperators.ADD);
    out[from + 1] = acc1.reduceLanes(VectorOperators.ADD);
    out[from + 2] = acc2.reduceLanes(VectorOperators.ADD);
    out[from + 3] = acc3.reduceLanes(VectorOperators.ADD);
    out[from + 4] = acc4.reduceLanes(VectorOperators.ADD);
    out[from + 5] = acc5.reduceLanes(VectorOperators.ADD);
    out[from + 6] = acc6.reduceLanes(VectorOperators.ADD);
    out[from + 7] = acc7.reduceLanes(VectorOperators.ADD);
    out[from + 8] = acc8.reduceLanes(VectorOperators.ADD);
    out[from + 9] = acc9.reduceLanes(VectorOperators.ADD);
    out[from + 10] = acc10.reduceLanes(VectorOperators.ADD);
    out[from + 11] = acc11.reduceLanes(VectorOperators.ADD);
    out[from + 12] = acc12.reduceLanes(VectorOperators.ADD);
    out[from + 13] = acc13.reduceLanes(VectorOperators.ADD);
    out[from + 14] = acc14.reduceLanes(VectorOperators.ADD);
    out[from + 15] = acc15.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      float x = q[qOffset + i];
      for (int j = 0; j < 16; j++) {
        int v = from + Math.min(j, n - 1);
        out[from + j] += x * vectors[v][offsets[v] + i];
      }
    }
  }

  /**
   * Eight squared distances into {@code out[from..from + 8)} of the vectors {@code from..from +
   * n)}, the last standing in for any missing ones (a repeat reads from cache).
   */
  private static void squareDistance8(
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int from,
      int n,
      int length,
      float[] out) {
    float[] v0 = vectors[from];
    float[] v1 = vectors[from + Math.min(1, n - 1)];
    float[] v2 = vectors[from + Math.min(2, n - 1)];
    float[] v3 = vectors[from + Math.min(3, n - 1)];
    float[] v4 = vectors[from + Math.min(4, n - 1)];
    float[] v5 = vectors[from + Math.min(5, n - 1)];
    float[] v6 = vectors[from + Math.min(6, n - 1)];
    float[] v7 = vectors[from + Math.min(7, n - 1)];
    int o0 = offsets[from];
    int o1 = offsets[from + Math.min(1, n - 1)];
    int o2 = offsets[from + Math.min(2, n - 1)];
    int o3 = offsets[from + Math.min(3, n - 1)];
    int o4 = offsets[from + Math.min(4, n - 1)];
    int o5 = offsets[from + Math.min(5, n - 1)];
    int o6 = offsets[from + Math.min(6, n - 1)];
    int o7 = offsets[from + Math.min(7, n - 1)];
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = acc0;
    FloatVector acc2 = acc0;
    FloatVector acc3 = acc0;
    FloatVector acc4 = acc0;
    FloatVector acc5 = acc0;
    FloatVector acc6 = acc0;
    FloatVector acc7 = acc0;
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, q, qOffset + i);
      FloatVector d0 = x.sub(FloatVector.fromArray(SPECIES, v0, o0 + i));
      acc0 = d0.fma(d0, acc0);
      FloatVector d1 = x.sub(FloatVector.fromArray(SPECIES, v1, o1 + i));
      acc1 = d1.fma(d1, acc1);
      FloatVector d2 = x.sub(FloatVector.fromArray(SPECIES, v2, o2 + i));
      acc2 = d2.fma(d2, acc2);
      FloatVector d3 = x.sub(FloatVector.fromArray(SPECIES, v3, o3 + i));
      acc3 = d3.fma(d3, acc3);
      FloatVector d4 = x.sub(FloatVector.fromArray(SPECIES, v4, o4 + i));
      acc4 = d4.fma(d4, acc4);
      FloatVector d5 = x.sub(FloatVector.fromArray(SPECIES, v5, o5 + i));
      acc5 = d5.fma(d5, acc5);
      FloatVector d6 = x.sub(FloatVector.fromArray(SPECIES, v6, o6 + i));
      acc6 = d6.fma(d6, acc6);
      FloatVector d7 = x.sub(FloatVector.fromArray(SPECIES, v7, o7 + i));
      acc7 = d7.fma(d7, acc7);
    }
    out[from + 0] = acc0.reduceLanes(VectorOperators.ADD);
    out[from + 1] = acc1.reduceLanes(VectorOperators.ADD);
    out[from + 2] = acc2.reduceLanes(VectorOperators.ADD);
    out[from + 3] = acc3.reduceLanes(VectorOperators.ADD);
    out[from + 4] = acc4.reduceLanes(VectorOperators.ADD);
    out[from + 5] = acc5.reduceLanes(VectorOperators.ADD);
    out[from + 6] = acc6.reduceLanes(VectorOperators.ADD);
    out[from + 7] = acc7.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      float x = q[qOffset + i];
      for (int j = 0; j < 8; j++) {
        int v = from + Math.min(j, n - 1);
        float d = x - vectors[v][offsets[v] + i];
        out[from + j] += d * d;
      }
    }
  }

  /**
   * Sixteen squared distances into {@code out[from..from + 16)} of the vectors {@code from..from +
   * n)}, the last standing in for any missing ones (a repeat reads from cache).
   */
  private static void squareDistance16(
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int from,
      int n,
      int length,
      float[] out) {
    float[] v0 = vectors[from];
    float[] v1 = vectors[from + Math.min(1, n - 1)];
    float[] v2 = vectors[from + Math.min(2, n - 1)];
    float[] v3 = vectors[from + Math.min(3, n - 1)];
    float[] v4 = vectors[from + Math.min(4, n - 1)];
    float[] v5 = vectors[from + Math.min(5, n - 1)];
    float[] v6 = vectors[from + Math.min(6, n - 1)];
    float[] v7 = vectors[from + Math.min(7, n - 1)];
    float[] v8 = vectors[from + Math.min(8, n - 1)];
    float[] v9 = vectors[from + Math.min(9, n - 1)];
    float[] v10 = vectors[from + Math.min(10, n - 1)];
    float[] v11 = vectors[from + Math.min(11, n - 1)];
    float[] v12 = vectors[from + Math.min(12, n - 1)];
    float[] v13 = vectors[from + Math.min(13, n - 1)];
    float[] v14 = vectors[from + Math.min(14, n - 1)];
    float[] v15 = vectors[from + Math.min(15, n - 1)];
    int o0 = offsets[from];
    int o1 = offsets[from + Math.min(1, n - 1)];
    int o2 = offsets[from + Math.min(2, n - 1)];
    int o3 = offsets[from + Math.min(3, n - 1)];
    int o4 = offsets[from + Math.min(4, n - 1)];
    int o5 = offsets[from + Math.min(5, n - 1)];
    int o6 = offsets[from + Math.min(6, n - 1)];
    int o7 = offsets[from + Math.min(7, n - 1)];
    int o8 = offsets[from + Math.min(8, n - 1)];
    int o9 = offsets[from + Math.min(9, n - 1)];
    int o10 = offsets[from + Math.min(10, n - 1)];
    int o11 = offsets[from + Math.min(11, n - 1)];
    int o12 = offsets[from + Math.min(12, n - 1)];
    int o13 = offsets[from + Math.min(13, n - 1)];
    int o14 = offsets[from + Math.min(14, n - 1)];
    int o15 = offsets[from + Math.min(15, n - 1)];
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = acc0;
    FloatVector acc2 = acc0;
    FloatVector acc3 = acc0;
    FloatVector acc4 = acc0;
    FloatVector acc5 = acc0;
    FloatVector acc6 = acc0;
    FloatVector acc7 = acc0;
    FloatVector acc8 = acc0;
    FloatVector acc9 = acc0;
    FloatVector acc10 = acc0;
    FloatVector acc11 = acc0;
    FloatVector acc12 = acc0;
    FloatVector acc13 = acc0;
    FloatVector acc14 = acc0;
    FloatVector acc15 = acc0;
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, q, qOffset + i);
      FloatVector d0 = x.sub(FloatVector.fromArray(SPECIES, v0, o0 + i));
      acc0 = d0.fma(d0, acc0);
      FloatVector d1 = x.sub(FloatVector.fromArray(SPECIES, v1, o1 + i));
      acc1 = d1.fma(d1, acc1);
      FloatVector d2 = x.sub(FloatVector.fromArray(SPECIES, v2, o2 + i));
      acc2 = d2.fma(d2, acc2);
      FloatVector d3 = x.sub(FloatVector.fromArray(SPECIES, v3, o3 + i));
      acc3 = d3.fma(d3, acc3);
      FloatVector d4 = x.sub(FloatVector.fromArray(SPECIES, v4, o4 + i));
      acc4 = d4.fma(d4, acc4);
      FloatVector d5 = x.sub(FloatVector.fromArray(SPECIES, v5, o5 + i));
      acc5 = d5.fma(d5, acc5);
      FloatVector d6 = x.sub(FloatVector.fromArray(SPECIES, v6, o6 + i));
      acc6 = d6.fma(d6, acc6);
      FloatVector d7 = x.sub(FloatVector.fromArray(SPECIES, v7, o7 + i));
      acc7 = d7.fma(d7, acc7);
      FloatVector d8 = x.sub(FloatVector.fromArray(SPECIES, v8, o8 + i));
      acc8 = d8.fma(d8, acc8);
      FloatVector d9 = x.sub(FloatVector.fromArray(SPECIES, v9, o9 + i));
      acc9 = d9.fma(d9, acc9);
      FloatVector d10 = x.sub(FloatVector.fromArray(SPECIES, v10, o10 + i));
      acc10 = d10.fma(d10, acc10);
      FloatVector d11 = x.sub(FloatVector.fromArray(SPECIES, v11, o11 + i));
      acc11 = d11.fma(d11, acc11);
      FloatVector d12 = x.sub(FloatVector.fromArray(SPECIES, v12, o12 + i));
      acc12 = d12.fma(d12, acc12);
      FloatVector d13 = x.sub(FloatVector.fromArray(SPECIES, v13, o13 + i));
      acc13 = d13.fma(d13, acc13);
      FloatVector d14 = x.sub(FloatVector.fromArray(SPECIES, v14, o14 + i));
      acc14 = d14.fma(d14, acc14);
      FloatVector d15 = x.sub(FloatVector.fromArray(SPECIES, v15, o15 + i));
      acc15 = d15.fma(d15, acc15);
    }
    out[from + 0] = acc0.reduceLanes(VectorOperators.ADD);
    out[from + 1] = acc1.reduceLanes(VectorOperators.ADD);
    out[from + 2] = acc2.reduceLanes(VectorOperators.ADD);
    out[from + 3] = acc3.reduceLanes(VectorOperators.ADD);
    out[from + 4] = acc4.reduceLanes(VectorOperators.ADD);
    out[from + 5] = acc5.reduceLanes(VectorOperators.ADD);
    out[from + 6] = acc6.reduceLanes(VectorOperators.ADD);
    out[from + 7] = acc7.reduceLanes(VectorOperators.ADD);
    out[from + 8] = acc8.reduceLanes(VectorOperators.ADD);
    out[from + 9] = acc9.reduceLanes(VectorOperators.ADD);
    out[from + 10] = acc10.reduceLanes(VectorOperators.ADD);
    out[from + 11] = acc11.reduceLanes(VectorOperators.ADD);
    out[from + 12] = acc12.reduceLanes(VectorOperators.ADD);
    out[from + 13] = acc13.reduceLanes(VectorOperators.ADD);
    out[from + 14] = acc14.reduceLanes(VectorOperators.ADD);
    out[from + 15] = acc15.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      float x = q[qOffset + i];
      for (int j = 0; j < 16; j++) {
        int v = from + Math.min(j, n - 1);
        float d = x - vectors[v][offsets[v] + i];
        out[from + j] += d * d;
      }
    }
  }

  /**
   * One accumulator, in the same order as each lane of {@link #dotBytesMany}, so a code scores the
   * same whether it is scored alone or in a batch.
   */
  @Override
  public float dotBytes(float[] q, byte[] codes, int offset, int length) {
    FloatVector acc = FloatVector.zero(SPECIES);
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      acc = widen(codes, offset + i).fma(FloatVector.fromArray(SPECIES, q, i), acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      sum += q[i] * codes[offset + i];
    }
    return sum;
  }

  /**
   * Eight codes per loop. Sixteen, as {@link #dotMany} does, ran at 231 ns per random 768-byte code
   * against 93 for eight: with the widening of every byte lane, sixteen accumulators no longer fit
   * the registers.
   */
  @Override
  public void dotBytesMany(
      float[] q, byte[][] codes, int[] offsets, int count, int length, float[] out) {
    for (int from = 0; from < count; from += 8) {
      int n = Math.min(8, count - from);
      if (n == 1) {
        out[from] = dotBytes(q, codes[from], offsets[from], length);
      } else {
        dotBytes8(q, codes, offsets, from, n, length, out);
      }
    }
  }

  /**
   * Eight {@link #dotBytes} into {@code out[from..from + 8)} of the codes {@code from..from + n)},
   * the last standing in for any missing ones.
   */
  private static void dotBytes8(
      float[] q, byte[][] codes, int[] offsets, int from, int n, int length, float[] out) {
    byte[] c0 = codes[from];
    byte[] c1 = codes[from + Math.min(1, n - 1)];
    byte[] c2 = codes[from + Math.min(2, n - 1)];
    byte[] c3 = codes[from + Math.min(3, n - 1)];
    byte[] c4 = codes[from + Math.min(4, n - 1)];
    byte[] c5 = codes[from + Math.min(5, n - 1)];
    byte[] c6 = codes[from + Math.min(6, n - 1)];
    byte[] c7 = codes[from + Math.min(7, n - 1)];
    int o0 = offsets[from];
    int o1 = offsets[from + Math.min(1, n - 1)];
    int o2 = offsets[from + Math.min(2, n - 1)];
    int o3 = offsets[from + Math.min(3, n - 1)];
    int o4 = offsets[from + Math.min(4, n - 1)];
    int o5 = offsets[from + Math.min(5, n - 1)];
    int o6 = offsets[from + Math.min(6, n - 1)];
    int o7 = offsets[from + Math.min(7, n - 1)];
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = acc0;
    FloatVector acc2 = acc0;
    FloatVector acc3 = acc0;
    FloatVector acc4 = acc0;
    FloatVector acc5 = acc0;
    FloatVector acc6 = acc0;
    FloatVector acc7 = acc0;
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, q, i);
      acc0 = widen(c0, o0 + i).fma(x, acc0);
      acc1 = widen(c1, o1 + i).fma(x, acc1);
      acc2 = widen(c2, o2 + i).fma(x, acc2);
      acc3 = widen(c3, o3 + i).fma(x, acc3);
      acc4 = widen(c4, o4 + i).fma(x, acc4);
      acc5 = widen(c5, o5 + i).fma(x, acc5);
      acc6 = widen(c6, o6 + i).fma(x, acc6);
      acc7 = widen(c7, o7 + i).fma(x, acc7);
    }
    out[from + 0] = acc0.reduceLanes(VectorOperators.ADD);
    out[from + 1] = acc1.reduceLanes(VectorOperators.ADD);
    out[from + 2] = acc2.reduceLanes(VectorOperators.ADD);
    out[from + 3] = acc3.reduceLanes(VectorOperators.ADD);
    out[from + 4] = acc4.reduceLanes(VectorOperators.ADD);
    out[from + 5] = acc5.reduceLanes(VectorOperators.ADD);
    out[from + 6] = acc6.reduceLanes(VectorOperators.ADD);
    out[from + 7] = acc7.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      for (int j = 0; j < 8; j++) {
        int c = from + Math.min(j, n - 1);
        out[from + j] += q[i] * codes[c][offsets[c] + i];
      }
    }
  }

  @Override
  public float dotNibbles(float[] q, byte[] codes, int offset, int blocks) {
    if (LANES > 16) {
      return PlainVectorOps.INSTANCE.dotNibbles(q, codes, offset, blocks);
    }
    FloatVector lo = FloatVector.zero(SPECIES);
    FloatVector hi = FloatVector.zero(SPECIES);
    for (int b = 0; b < blocks; b++) {
      int base = 32 * b;
      for (int h = 0; h < 16; h += LANES) {
        ByteVector packed = ByteVector.fromArray(BYTE_SPECIES, codes, offset + 16 * b + h);
        FloatVector low = (FloatVector) packed.and((byte) 0x0F).castShape(SPECIES, 0);
        FloatVector high =
            (FloatVector)
                packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).castShape(SPECIES, 0);
        lo = low.fma(FloatVector.fromArray(SPECIES, q, base + h), lo);
        hi = high.fma(FloatVector.fromArray(SPECIES, q, base + 16 + h), hi);
      }
    }
    return lo.add(hi).reduceLanes(VectorOperators.ADD);
  }

  @Override
  public float manhattanBytes(float[] q, float[] scale, byte[] codes, int offset, int length) {
    int i = 0;
    float sum = 0;
    if (length >= LANES) {
      FloatVector acc = FloatVector.zero(SPECIES);
      for (int bound = length - LANES; i <= bound; i += LANES) {
        FloatVector d = FloatVector.fromArray(SPECIES, q, i).sub(widen(codes, offset + i));
        acc = d.abs().fma(FloatVector.fromArray(SPECIES, scale, i), acc);
      }
      sum = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < length; i++) {
      sum += scale[i] * Math.abs(q[i] - codes[offset + i]);
    }
    return sum;
  }

  private static FloatVector widen(byte[] codes, int offset) {
    return (FloatVector) ByteVector.fromArray(BYTE_SPECIES, codes, offset).castShape(SPECIES, 0);
  }
}

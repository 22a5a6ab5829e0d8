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

  @Override
  public void dot4(
      float[] q,
      int qOffset,
      float[] v0,
      int o0,
      float[] v1,
      int o1,
      float[] v2,
      int o2,
      float[] v3,
      int o3,
      int length,
      float[] out) {
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    FloatVector acc2 = FloatVector.zero(SPECIES);
    FloatVector acc3 = FloatVector.zero(SPECIES);
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, q, qOffset + i);
      acc0 = x.fma(FloatVector.fromArray(SPECIES, v0, o0 + i), acc0);
      acc1 = x.fma(FloatVector.fromArray(SPECIES, v1, o1 + i), acc1);
      acc2 = x.fma(FloatVector.fromArray(SPECIES, v2, o2 + i), acc2);
      acc3 = x.fma(FloatVector.fromArray(SPECIES, v3, o3 + i), acc3);
    }
    float s0 = acc0.reduceLanes(VectorOperators.ADD);
    float s1 = acc1.reduceLanes(VectorOperators.ADD);
    float s2 = acc2.reduceLanes(VectorOperators.ADD);
    float s3 = acc3.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      float x = q[qOffset + i];
      s0 += x * v0[o0 + i];
      s1 += x * v1[o1 + i];
      s2 += x * v2[o2 + i];
      s3 += x * v3[o3 + i];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
  }

  @Override
  public void squareDistance4(
      float[] q,
      int qOffset,
      float[] v0,
      int o0,
      float[] v1,
      int o1,
      float[] v2,
      int o2,
      float[] v3,
      int o3,
      int length,
      float[] out) {
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    FloatVector acc2 = FloatVector.zero(SPECIES);
    FloatVector acc3 = FloatVector.zero(SPECIES);
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, q, qOffset + i);
      FloatVector d0 = x.sub(FloatVector.fromArray(SPECIES, v0, o0 + i));
      FloatVector d1 = x.sub(FloatVector.fromArray(SPECIES, v1, o1 + i));
      FloatVector d2 = x.sub(FloatVector.fromArray(SPECIES, v2, o2 + i));
      FloatVector d3 = x.sub(FloatVector.fromArray(SPECIES, v3, o3 + i));
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
      acc2 = d2.fma(d2, acc2);
      acc3 = d3.fma(d3, acc3);
    }
    float s0 = acc0.reduceLanes(VectorOperators.ADD);
    float s1 = acc1.reduceLanes(VectorOperators.ADD);
    float s2 = acc2.reduceLanes(VectorOperators.ADD);
    float s3 = acc3.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      float x = q[qOffset + i];
      float d0 = x - v0[o0 + i];
      float d1 = x - v1[o1 + i];
      float d2 = x - v2[o2 + i];
      float d3 = x - v3[o3 + i];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
  }

  /**
   * One accumulator, in the same order as each lane of {@link #dotBytes4}, so a code scores the
   * same whether it is scored alone or in a batch of four.
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

  @Override
  public void dotBytes4(
      float[] q,
      byte[] c0,
      int o0,
      byte[] c1,
      int o1,
      byte[] c2,
      int o2,
      byte[] c3,
      int o3,
      int length,
      float[] out) {
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    FloatVector acc2 = FloatVector.zero(SPECIES);
    FloatVector acc3 = FloatVector.zero(SPECIES);
    int i = 0;
    for (int bound = length - LANES; i <= bound; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, q, i);
      acc0 = widen(c0, o0 + i).fma(x, acc0);
      acc1 = widen(c1, o1 + i).fma(x, acc1);
      acc2 = widen(c2, o2 + i).fma(x, acc2);
      acc3 = widen(c3, o3 + i).fma(x, acc3);
    }
    float s0 = acc0.reduceLanes(VectorOperators.ADD);
    float s1 = acc1.reduceLanes(VectorOperators.ADD);
    float s2 = acc2.reduceLanes(VectorOperators.ADD);
    float s3 = acc3.reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      float x = q[i];
      s0 += x * c0[o0 + i];
      s1 += x * c1[o1 + i];
      s2 += x * c2[o2 + i];
      s3 += x * c3[o3 + i];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
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

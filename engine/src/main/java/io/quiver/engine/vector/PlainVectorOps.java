package io.quiver.engine.vector;

/** Scalar kernels: the reference every faster implementation is checked against. */
final class PlainVectorOps implements VectorOps {

  static final PlainVectorOps INSTANCE = new PlainVectorOps();

  private PlainVectorOps() {}

  @Override
  public String name() {
    return "plain";
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
    // Four accumulators break the dependency chain without changing the result's meaning.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int bound = length & ~3; i < bound; i += 4) {
      s0 += a[aOffset + i] * b[bOffset + i];
      s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
      s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
      s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
    }
    for (; i < length; i++) {
      s0 += a[aOffset + i] * b[bOffset + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int bound = length & ~3; i < bound; i += 4) {
      float d0 = a[aOffset + i] - b[bOffset + i];
      float d1 = a[aOffset + i + 1] - b[bOffset + i + 1];
      float d2 = a[aOffset + i + 2] - b[bOffset + i + 2];
      float d3 = a[aOffset + i + 3] - b[bOffset + i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < length; i++) {
      float d = a[aOffset + i] - b[bOffset + i];
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length) {
    float s0 = 0, s1 = 0;
    int i = 0;
    for (int bound = length & ~1; i < bound; i += 2) {
      s0 += Math.abs(a[aOffset + i] - b[bOffset + i]);
      s1 += Math.abs(a[aOffset + i + 1] - b[bOffset + i + 1]);
    }
    for (; i < length; i++) {
      s0 += Math.abs(a[aOffset + i] - b[bOffset + i]);
    }
    return s0 + s1;
  }

  @Override
  public void dotMany(
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int count,
      int length,
      float[] out) {
    for (int i = 0; i < count; i++) {
      out[i] = dot(q, qOffset, vectors[i], offsets[i], length);
    }
  }

  @Override
  public void squareDistanceMany(
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int count,
      int length,
      float[] out) {
    for (int i = 0; i < count; i++) {
      out[i] = squareDistance(q, qOffset, vectors[i], offsets[i], length);
    }
  }

  @Override
  public float dotBytes(float[] q, byte[] codes, int offset, int length) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int bound = length & ~3; i < bound; i += 4) {
      s0 += q[i] * codes[offset + i];
      s1 += q[i + 1] * codes[offset + i + 1];
      s2 += q[i + 2] * codes[offset + i + 2];
      s3 += q[i + 3] * codes[offset + i + 3];
    }
    for (; i < length; i++) {
      s0 += q[i] * codes[offset + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void dotBytesMany(
      float[] q, byte[][] codes, int[] offsets, int count, int length, float[] out) {
    for (int i = 0; i < count; i++) {
      out[i] = dotBytes(q, codes[i], offsets[i], length);
    }
  }

  @Override
  public float dotNibbles(float[] q, byte[] codes, int offset, int blocks) {
    float lo = 0, hi = 0;
    for (int b = 0; b < blocks; b++) {
      int base = 32 * b;
      for (int j = 0; j < 16; j++) {
        int packed = codes[offset + 16 * b + j];
        lo += q[base + j] * (packed & 0x0F);
        hi += q[base + 16 + j] * ((packed >>> 4) & 0x0F);
      }
    }
    return lo + hi;
  }

  @Override
  public float manhattanBytes(float[] q, float[] scale, byte[] codes, int offset, int length) {
    float sum = 0;
    for (int i = 0; i < length; i++) {
      sum += scale[i] * Math.abs(q[i] - codes[offset + i]);
    }
    return sum;
  }
}

package io.quiver.engine.quant;

import java.util.Arrays;

/**
 * The integer kernel of the bit-level quantizers ({@link RotationalQuantizer}, {@link
 * BinaryQuantizer}): small unsigned integers stored as bit planes, and their dot product computed
 * with AND and popcount.
 *
 * <p>A code of {@code B} bits per dimension over {@code d} dimensions is stored as {@code B} planes
 * of {@link #words}{@code (d)} little-endian longs each, plane 0 (the lowest bit) first; bit {@code
 * i & 63} of word {@code i >> 6} of plane {@code j} is bit {@code j} of level {@code k_i}. The bits
 * past {@code d} in the last word are zero.
 *
 * <p>A query side is a {@code long[]} of {@code Bq} planes stored word-major ({@code query[w * Bq +
 * t]} is word {@code w} of plane {@code t}), so one code word meets all query planes in one
 * contiguous read. Then
 *
 * <pre>
 * sum_i u_i * k_i = sum_{t, j} 2^(t + j) * popcount(Q_t AND P_j)
 * </pre>
 *
 * which {@link #dot} computes with {@code B * Bq} popcounts per 64 dimensions and no allocation.
 * {@link Long#bitCount} is an intrinsic on the platforms that matter.
 */
final class BitPlanes {

  private BitPlanes() {}

  /** Longs per plane for {@code dimension} dimensions. */
  static int words(int dimension) {
    return (dimension + 63) >>> 6;
  }

  /** Bytes of {@code bits} planes over {@code dimension} dimensions. */
  static int bytes(int dimension, int bits) {
    return bits * words(dimension) * Long.BYTES;
  }

  /**
   * Writes {@code levels[0..dimension)} (each in {@code [0, 2^bits)}) as {@code bits} planes at
   * {@code dst[at..]}.
   */
  static void write(int[] levels, int dimension, int bits, byte[] dst, int at) {
    int words = words(dimension);
    for (int j = 0; j < bits; j++) {
      int plane = at + j * words * Long.BYTES;
      for (int w = 0; w < words; w++) {
        long word = 0;
        for (int i = w << 6, end = Math.min(dimension, i + 64); i < end; i++) {
          word |= (long) ((levels[i] >>> j) & 1) << (i & 63);
        }
        Codes.putLong(dst, plane + w * Long.BYTES, word);
      }
    }
  }

  /** Reads the levels {@link #write} wrote into {@code dst[0..dimension)}. */
  static int[] read(byte[] src, int at, int dimension, int bits, int[] dst) {
    int words = words(dimension);
    Arrays.fill(dst, 0, dimension, 0);
    for (int j = 0; j < bits; j++) {
      int plane = at + j * words * Long.BYTES;
      for (int w = 0; w < words; w++) {
        long word = Codes.getLong(src, plane + w * Long.BYTES);
        for (int i = w << 6, end = Math.min(dimension, i + 64); i < end; i++) {
          dst[i] |= (int) ((word >>> (i & 63)) & 1) << j;
        }
      }
    }
    return dst;
  }

  /** Transposes {@code levels} (each in {@code [0, 2^bits)}) into word-major query planes. */
  static void transpose(int[] levels, int dimension, int bits, long[] dst) {
    int words = words(dimension);
    Arrays.fill(dst, 0, words * bits, 0L);
    for (int i = 0; i < dimension; i++) {
      int base = (i >>> 6) * bits;
      long bit = 1L << (i & 63);
      for (int t = 0, u = levels[i]; t < bits; t++, u >>>= 1) {
        if ((u & 1) != 0) {
          dst[base + t] |= bit;
        }
      }
    }
  }

  /**
   * {@code sum_i u_i * k_i} for word-major query planes {@code query} ({@code queryBits} of them)
   * and the code planes at {@code codes[at..]} ({@code codeBits} of them, {@code words} longs
   * each).
   */
  static long dot(long[] query, int queryBits, byte[] codes, int at, int codeBits, int words) {
    switch (queryBits) {
      case 1:
        return dot1(query, codes, at, codeBits, words);
      case 2:
        return dot2(query, codes, at, codeBits, words);
      case 4:
        return dot4(query, codes, at, codeBits, words);
      case 8:
        return dot8(query, codes, at, codeBits, words);
      default:
        return dotAny(query, queryBits, codes, at, codeBits, words);
    }
  }

  private static long dotAny(
      long[] query, int queryBits, byte[] codes, int at, int codeBits, int words) {
    long total = 0;
    for (int j = 0, plane = at; j < codeBits; j++) {
      long sum = 0;
      for (int w = 0, qi = 0; w < words; w++, plane += Long.BYTES) {
        long p = Codes.getLong(codes, plane);
        for (int t = 0; t < queryBits; t++, qi++) {
          sum += (long) Long.bitCount(query[qi] & p) << t;
        }
      }
      total += sum << j;
    }
    return total;
  }

  // The specialisations below unroll the query planes: one accumulator per plane keeps the
  // popcounts independent of each other, and the loop over words stays tight.
  private static long dot1(long[] query, byte[] codes, int at, int codeBits, int words) {
    long total = 0;
    for (int j = 0, plane = at; j < codeBits; j++) {
      int c0 = 0;
      for (int w = 0; w < words; w++, plane += Long.BYTES) {
        c0 += Long.bitCount(query[w] & Codes.getLong(codes, plane));
      }
      total += (long) c0 << j;
    }
    return total;
  }

  private static long dot2(long[] query, byte[] codes, int at, int codeBits, int words) {
    long total = 0;
    for (int j = 0, plane = at; j < codeBits; j++) {
      int c0 = 0, c1 = 0;
      for (int w = 0, qi = 0; w < words; w++, qi += 2, plane += Long.BYTES) {
        long p = Codes.getLong(codes, plane);
        c0 += Long.bitCount(query[qi] & p);
        c1 += Long.bitCount(query[qi + 1] & p);
      }
      total += ((long) c0 + ((long) c1 << 1)) << j;
    }
    return total;
  }

  private static long dot4(long[] query, byte[] codes, int at, int codeBits, int words) {
    long total = 0;
    for (int j = 0, plane = at; j < codeBits; j++) {
      int c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (int w = 0, qi = 0; w < words; w++, qi += 4, plane += Long.BYTES) {
        long p = Codes.getLong(codes, plane);
        c0 += Long.bitCount(query[qi] & p);
        c1 += Long.bitCount(query[qi + 1] & p);
        c2 += Long.bitCount(query[qi + 2] & p);
        c3 += Long.bitCount(query[qi + 3] & p);
      }
      total += ((long) c0 + (c1 << 1) + (c2 << 2) + ((long) c3 << 3)) << j;
    }
    return total;
  }

  private static long dot8(long[] query, byte[] codes, int at, int codeBits, int words) {
    long total = 0;
    for (int j = 0, plane = at; j < codeBits; j++) {
      int c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
      for (int w = 0, qi = 0; w < words; w++, qi += 8, plane += Long.BYTES) {
        long p = Codes.getLong(codes, plane);
        c0 += Long.bitCount(query[qi] & p);
        c1 += Long.bitCount(query[qi + 1] & p);
        c2 += Long.bitCount(query[qi + 2] & p);
        c3 += Long.bitCount(query[qi + 3] & p);
        c4 += Long.bitCount(query[qi + 4] & p);
        c5 += Long.bitCount(query[qi + 5] & p);
        c6 += Long.bitCount(query[qi + 6] & p);
        c7 += Long.bitCount(query[qi + 7] & p);
      }
      long sum =
          (long) c0
              + ((long) c1 << 1)
              + ((long) c2 << 2)
              + ((long) c3 << 3)
              + ((long) c4 << 4)
              + ((long) c5 << 5)
              + ((long) c6 << 6)
              + ((long) c7 << 7);
      total += sum << j;
    }
    return total;
  }

  /**
   * A float vector quantized to {@code bits}-bit unsigned integers {@code u_i = round((v_i - lo) /
   * width)} over its own range {@code [lo, lo + (2^bits - 1) * width]}, held as word-major planes
   * for {@link #dot}. One per scorer: {@link #set} overwrites it for the next query.
   */
  static final class Query {
    final int dimension;
    final int bits;
    final long[] planes;
    private final int words;
    private final int[] levels;

    /** The value of level 0. */
    float lo;

    /** The value between consecutive levels. */
    float width;

    /** {@code sum_i u_i}. */
    long levelSum;

    Query(int dimension, int bits) {
      this.dimension = dimension;
      this.bits = bits;
      this.words = words(dimension);
      this.planes = new long[words * bits];
      this.levels = new int[dimension];
    }

    /**
     * Quantizes {@code values[0..dimension)}; each is then within {@code width / 2} of {@code lo +
     * width * u_i}.
     */
    Query set(float[] values) {
      float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < dimension; i++) {
        min = Math.min(min, values[i]);
        max = Math.max(max, values[i]);
      }
      int top = (1 << bits) - 1;
      float w = (max - min) / top;
      // A constant vector: every level is 0 and lo alone carries the value.
      float inverse = w > 0 ? 1 / w : 0;
      long sum = 0;
      for (int i = 0; i < dimension; i++) {
        int u = Math.min(top, Math.round((values[i] - min) * inverse));
        levels[i] = u;
        sum += u;
      }
      return setLevels(levels, min, w, sum);
    }

    /** Takes levels already computed: value {@code i} stands for {@code lo + width * levels[i]}. */
    Query setLevels(int[] levels, float lo, float width, long levelSum) {
      transpose(levels, dimension, bits, planes);
      this.lo = lo;
      this.width = width;
      this.levelSum = levelSum;
      return this;
    }

    /** {@code sum_i u_i * k_i} against the {@code codeBits} code planes at {@code codes[at..]}. */
    long dot(byte[] codes, int at, int codeBits) {
      return BitPlanes.dot(planes, bits, codes, at, codeBits, words);
    }

    /**
     * {@code sum_i v~_i * (k_i - offset)} where {@code v~_i = lo + width * u_i} is the quantized
     * value, for a code with levels {@code k} and {@code codeLevelSum = sum_i k_i}. Written as
     * {@code lo * sum_i (k_i - offset) + width * sum_i u_i (k_i - offset)}, two centred sums, so
     * little cancels.
     */
    float centeredDot(byte[] codes, int at, int codeBits, int codeLevelSum, float offset) {
      long uk = dot(codes, at, codeBits);
      return (float)
          (lo * (codeLevelSum - (double) dimension * offset)
              + width * (uk - (double) offset * levelSum));
    }
  }
}

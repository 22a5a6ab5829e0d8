package io.quiver.engine.quant;

/**
 * 4-bit levels packed for {@link io.quiver.engine.vector.VectorOps#dotNibbles}: dimensions go in
 * blocks of 32, each block in 16 bytes, byte {@code j} holding dimension {@code 32b + j} in its low
 * nibble and {@code 32b + 16 + j} in its high nibble, so one 16-byte load widens into the two
 * halves of a block. Dimensions past {@code d} in the last block are zero.
 */
final class Nibbles {

  static final int BLOCK = 32;

  private Nibbles() {}

  static int blocks(int dimension) {
    return (dimension + BLOCK - 1) / BLOCK;
  }

  static int bytes(int dimension) {
    return blocks(dimension) * (BLOCK / 2);
  }

  /** A float array padded to whole blocks, as the kernel reads it. */
  static int paddedLength(int dimension) {
    return blocks(dimension) * BLOCK;
  }

  static void write(int[] levels, int dimension, byte[] dst, int at) {
    int bytes = bytes(dimension);
    for (int k = 0; k < bytes; k++) {
      int block = k / (BLOCK / 2);
      int j = k % (BLOCK / 2);
      int lo = block * BLOCK + j;
      int hi = lo + BLOCK / 2;
      int low = lo < dimension ? levels[lo] : 0;
      int high = hi < dimension ? levels[hi] : 0;
      dst[at + k] = (byte) (low | (high << 4));
    }
  }

  static int[] read(byte[] src, int at, int dimension, int[] dst) {
    for (int i = 0; i < dimension; i++) {
      int block = i / BLOCK;
      int within = i % BLOCK;
      int b = src[at + block * (BLOCK / 2) + (within % (BLOCK / 2))];
      dst[i] = within < BLOCK / 2 ? b & 0x0F : (b >>> 4) & 0x0F;
    }
    return dst;
  }
}

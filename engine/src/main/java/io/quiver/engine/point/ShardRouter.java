package io.quiver.engine.point;

import java.nio.charset.StandardCharsets;

/**
 * Which shard of a collection holds a point: {@code pmod(murmur3_x86_32(bytes(id), 42), shards)}.
 * Every writer (a batch build, a streaming upsert, the serving tier's routing) must agree on it, or
 * an update lands beside the point it should replace.
 *
 * <p>{@code bytes(id)} is the id's unsigned value as 8 little-endian bytes for a numeric id, and
 * the UTF-8 bytes of its canonical form ({@code 8-4-4-4-12} lowercase hex) for a UUID. The function
 * is chosen to be the one Spark's hash partitioning computes for a {@code long} column, or for a
 * string column holding canonical UUIDs ({@code pmod(hash(col), n)}, Murmur3 with seed 42): a Spark
 * job clustered by the id column into {@code n} partitions then puts each shard in its own
 * partition without any custom partitioner.
 */
public final class ShardRouter {

  /** The seed of the hash; Spark's {@code hash()} uses the same. */
  public static final int SEED = 42;

  private ShardRouter() {}

  /** The shard of {@code id} among {@code shardCount} shards, in {@code [0, shardCount)}. */
  public static int shardOf(PointId id, int shardCount) {
    if (shardCount < 1) {
      throw new IllegalArgumentException("shard count must be >= 1; got " + shardCount);
    }
    return Math.floorMod(hash(id), shardCount);
  }

  /** The 32-bit hash {@link #shardOf} reduces. */
  public static int hash(PointId id) {
    if (!id.isUuid()) {
      return hashLong(id.low());
    }
    byte[] text = id.toString().getBytes(StandardCharsets.UTF_8);
    return hashBytes(text);
  }

  static int hashLong(long value) {
    int h = mixH1(SEED, mixK1((int) value));
    h = mixH1(h, mixK1((int) (value >>> 32)));
    return fmix(h, 8);
  }

  /** Murmur3 x86_32 of {@code bytes}, 4-byte blocks read little-endian. */
  static int hashBytes(byte[] bytes) {
    int h = SEED;
    int aligned = bytes.length & ~3;
    for (int i = 0; i < aligned; i += 4) {
      int block =
          (bytes[i] & 0xff)
              | (bytes[i + 1] & 0xff) << 8
              | (bytes[i + 2] & 0xff) << 16
              | (bytes[i + 3] & 0xff) << 24;
      h = mixH1(h, mixK1(block));
    }
    int tail = 0;
    switch (bytes.length & 3) {
      case 3:
        tail ^= (bytes[aligned + 2] & 0xff) << 16;
      // fall through
      case 2:
        tail ^= (bytes[aligned + 1] & 0xff) << 8;
      // fall through
      case 1:
        tail ^= bytes[aligned] & 0xff;
        h ^= mixK1(tail);
        break;
      default:
        break;
    }
    return fmix(h, bytes.length);
  }

  private static int mixK1(int k1) {
    k1 *= 0xcc9e2d51;
    k1 = Integer.rotateLeft(k1, 15);
    return k1 * 0x1b873593;
  }

  private static int mixH1(int h1, int k1) {
    h1 ^= k1;
    h1 = Integer.rotateLeft(h1, 13);
    return h1 * 5 + 0xe6546b64;
  }

  private static int fmix(int h1, int length) {
    h1 ^= length;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }
}

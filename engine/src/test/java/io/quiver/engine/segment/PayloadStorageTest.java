package io.quiver.engine.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quiver.engine.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads read back byte for byte in any order: in offset order (a scan), at random (a graph walk
 * testing a filter), across many blocks, with empty payloads, and with payloads larger than a
 * block.
 */
class PayloadStorageTest {

  @TempDir Path tmp;

  @Test
  void everyPayloadReadsBackInOrderAndAtRandom() throws IOException {
    long seed = TestData.seed();
    SplittableRandom random = new SplittableRandom(seed);
    int n = 20_000;
    byte[][] payloads = new byte[n][];
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(100);
      if (kind < 5) {
        payloads[i] = new byte[0];
      } else if (kind < 7) {
        // Longer than a whole block, and long enough for a three-byte length.
        payloads[i] = json(i, PayloadStorage.BLOCK_BYTES + random.nextInt(3 * (1 << 14)));
      } else {
        payloads[i] = json(i, random.nextInt(200));
      }
    }
    Path file = tmp.resolve("payload.qv");
    try (PayloadStorage.Writer out = new PayloadStorage.Writer(file, new byte[16])) {
      for (byte[] p : payloads) {
        out.add(p);
      }
      out.finish();
    }
    try (PayloadStorage storage = PayloadStorage.open(file)) {
      assertEquals(n, storage.size());
      for (int i = 0; i < n; i++) {
        assertArrayEquals(
            payloads[i], storage.get(i), "offset " + i + " in order (seed " + seed + ")");
      }
      for (int j = 0; j < 2 * n; j++) {
        int i = random.nextInt(n);
        assertArrayEquals(
            payloads[i], storage.get(i), "offset " + i + " at random (seed " + seed + ")");
      }
      for (int i = n - 1; i >= 0; i -= 7) {
        assertArrayEquals(payloads[i], storage.get(i), "offset " + i + " backwards");
      }
    }
  }

  private static byte[] json(int i, int padding) {
    return ("{\"i\":" + i + ",\"pad\":\"" + "x".repeat(padding) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}

package io.quiver.engine.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Records whose bytes are a function of their sequence, so any reader can check them. */
final class TestRecords {

  private TestRecords() {}

  /** The record for {@code sequence}: 0 to {@code maxLength} bytes derived from the sequence. */
  static byte[] record(long sequence, int maxLength) {
    SplittableRandom random = new SplittableRandom(sequence * 0x9E3779B97F4A7C15L);
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  /** Every record after {@code afterSequence}, with its sequence. */
  static List<Long> replaySequences(Wal wal, long afterSequence, int maxLength) throws IOException {
    List<Long> sequences = new ArrayList<>();
    wal.replay(
        afterSequence,
        (sequence, record) -> {
          assertArrayEquals(
              record(sequence, maxLength), toArray(record), "record " + sequence + " differs");
          sequences.add(sequence);
        });
    return sequences;
  }

  /** Checks that {@code wal} replays exactly the records {@code first..last}, intact. */
  static void assertReplays(Wal wal, long afterSequence, long first, long last, int maxLength)
      throws IOException {
    List<Long> sequences = replaySequences(wal, afterSequence, maxLength);
    assertEquals(Math.max(0, last - first + 1), sequences.size(), "records replayed");
    for (int i = 0; i < sequences.size(); i++) {
      assertEquals(first + i, sequences.get(i));
    }
  }
}

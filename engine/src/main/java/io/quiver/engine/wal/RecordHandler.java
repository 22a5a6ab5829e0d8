package io.quiver.engine.wal;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives the records of a {@link Wal#replay}, one at a time, in sequence order. */
@FunctionalInterface
public interface RecordHandler {

  /**
   * Handles one record. {@code record} holds exactly the bytes appended, from its position to its
   * limit; it is valid only during this call (the reader reuses the memory) and must not be written
   * to.
   */
  void accept(long sequence, ByteBuffer record) throws IOException;
}

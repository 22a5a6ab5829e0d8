package io.quiver.engine.quant;

import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.nio.ByteBuffer;
import java.nio.file.Path;

// PLACEHOLDER: replaced by the real implementation before commit.
final class BinaryQuantizer {
  static VectorQuantizer train(VectorSimilarity s, VectorValues v, Object... args) {
    throw new UnsupportedOperationException("BinaryQuantizer is not implemented yet");
  }

  static VectorQuantizer read(VectorSimilarity s, int d, ByteBuffer in, Path f)
      throws CorruptFileException {
    throw new CorruptFileException(f, "BinaryQuantizer is not implemented yet");
  }
}

package io.quiver.gpu;

import io.quiver.engine.vector.VectorValues;
import java.nio.FloatBuffer;

/**
 * Rows of {@link #dimension()} floats on the host that a tile is staged from: a packed row-major
 * array (queries, k-means points and centroids) or {@link VectorValues} (heap or mapped file).
 */
abstract class HostRows {

  abstract int dimension();

  /** Writes rows {@code [from, from + count)} packed row-major into {@code dst} from its start. */
  abstract void copyTo(int from, int count, FloatBuffer dst);

  static HostRows packed(float[] data, int dim) {
    return new HostRows() {
      @Override
      int dimension() {
        return dim;
      }

      @Override
      void copyTo(int from, int count, FloatBuffer dst) {
        dst.put(0, data, from * dim, count * dim);
      }
    };
  }

  static HostRows of(VectorValues values) {
    int dim = values.dimension();
    float[] row = new float[dim];
    return new HostRows() {
      @Override
      int dimension() {
        return dim;
      }

      @Override
      void copyTo(int from, int count, FloatBuffer dst) {
        for (int i = 0; i < count; i++) {
          dst.put(i * dim, values.vector(from + i, row), 0, dim);
        }
      }
    };
  }
}

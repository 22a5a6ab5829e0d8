package io.quiver.gpu;

/**
 * How one exact top-k pass cuts its queries and vectors into tiles whose device buffers fit a
 * memory budget, so that any number of vectors can be searched on a device of any size.
 *
 * <p>A pass holds on the device, for tiles of {@code queryTile} queries and {@code vectorTile}
 * vectors of {@code dim} floats and a top-{@code k}: the query tile; one vector tile, or two when
 * there is more than one tile (the next is uploaded while the current one is scored); the {@code
 * queryTile x vectorTile} score tile; and the running top-k (an id and a score per entry). {@link
 * #deviceBytes} is that sum, and a plan's is never above the budget it was made for. The pinned
 * host staging buffers mirror the query and vector tiles.
 *
 * @param queryTile queries per tile, {@code >= 1}
 * @param vectorTile vectors per tile, {@code >= 1}
 * @param vectorBuffers 1 when every vector fits one tile (uploaded once, kept), else 2
 */
record TilePlan(int queryTile, int vectorTile, int vectorBuffers) {

  /**
   * Queries per tile at most: enough warps (one per query) to fill a large device in the merge
   * step, and a score tile of at most {@code MAX_QUERY_TILE * MAX_VECTOR_TILE} floats (1 GiB).
   */
  static final int MAX_QUERY_TILE = 8192;

  /** Vectors per tile at most; more would only lengthen each warp's walk over a score row. */
  static final int MAX_VECTOR_TILE = 32768;

  /** Floats of rows per tile at most (256 MiB): the same amount is pinned on the host. */
  static final long MAX_TILE_FLOATS = 1L << 26;

  /**
   * The largest tiles, halving the larger side until they fit {@code budget} bytes.
   *
   * @throws IllegalArgumentException when not even one query against one vector fits
   */
  static TilePlan of(long budget, int queries, int vectors, int dim, int k) {
    if (queries < 1 || vectors < 1 || dim < 1 || k < 1) {
      throw new IllegalArgumentException(
          "a tile plan needs queries, vectors, dim and k >= 1; got "
              + queries
              + ", "
              + vectors
              + ", "
              + dim
              + ", "
              + k);
    }
    int rowCap = (int) Math.max(1, Math.min(Integer.MAX_VALUE, MAX_TILE_FLOATS / dim));
    int qt = Math.min(queries, Math.min(MAX_QUERY_TILE, rowCap));
    int vt = Math.min(vectors, Math.min(MAX_VECTOR_TILE, rowCap));
    while (deviceBytes(qt, vt, vt < vectors ? 2 : 1, dim, k) > budget) {
      if (qt == 1 && vt == 1) {
        throw new IllegalArgumentException(
            "the CUDA accelerator's memory budget of "
                + budget
                + " bytes cannot hold one query and one vector of dimension "
                + dim
                + " with k="
                + k
                + " (needs "
                + deviceBytes(1, 1, vectors > 1 ? 2 : 1, dim, k)
                + "); raise quiver.accelerator.memory");
      }
      if (vt >= qt) {
        vt = (vt + 1) / 2;
      } else {
        qt = (qt + 1) / 2;
      }
    }
    return new TilePlan(qt, vt, vt < vectors ? 2 : 1);
  }

  /** Device bytes a pass with these tiles allocates. */
  static long deviceBytes(int queryTile, int vectorTile, int vectorBuffers, int dim, int k) {
    long floats =
        (long) queryTile * dim
            + (long) vectorBuffers * vectorTile * dim
            + (long) queryTile * vectorTile
            + 2L * queryTile * k;
    return floats * Float.BYTES;
  }

  long deviceBytes(int dim, int k) {
    return deviceBytes(queryTile, vectorTile, vectorBuffers, dim, k);
  }

  static int tiles(int count, int tile) {
    return (int) (((long) count + tile - 1) / tile);
  }
}

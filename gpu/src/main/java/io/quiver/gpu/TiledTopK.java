package io.quiver.gpu;

import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import io.quiver.engine.accel.Neighbors;
import io.quiver.gpu.CudaKernels.Scores;
import io.quiver.gpu.DeviceWorkspace.Pinned;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;

/**
 * Exact top-k of many queries against many vectors on one device, in tiles that fit the device's
 * memory budget ({@link TilePlan}), so that neither side has to fit at once.
 *
 * <p>For each tile of queries: the queries are uploaded, the running top-k lists are reset to (-1,
 * -Infinity), and for each tile of vectors the score kernel fills the {@code queries x vectors}
 * score tile and the merge kernel folds it into the lists; the lists come back once per query tile.
 * Vector tiles are double-buffered over two streams: while the compute stream scores tile {@code
 * t}, the host stages tile {@code t + 1} in a pinned buffer and the copy stream uploads it into the
 * other device buffer, the streams ordered by events (the copy waits until the compute stream is
 * done with the buffer it overwrites; the compute waits for the copy it reads). When all vectors
 * fit one or two tiles they are uploaded once per call, not once per query tile.
 *
 * <p>The result does not depend on the tiling: the merge order (score, then id) is a total order,
 * so the lists after any sequence of tiles are the exact top-k of everything seen.
 */
final class TiledTopK {

  /** -Infinity as the bits {@code cuMemsetD32} writes. */
  private static final int NEGATIVE_INFINITY_BITS =
      Float.floatToRawIntBits(Float.NEGATIVE_INFINITY);

  private final CudaDevice device;

  TiledTopK(CudaDevice device) {
    this.device = device;
  }

  /**
   * The best {@code k} of {@code vectors[0 .. vectorCount)} for each of {@code
   * queries[0..queryCount)}, best first, lower id first on equal scores, padded with (-1,
   * -Infinity); with {@code skipSelf}, query {@code i} never lists vector {@code i}.
   */
  Neighbors run(
      HostRows queries,
      int queryCount,
      HostRows vectors,
      int vectorCount,
      Scores scores,
      int k,
      boolean skipSelf) {
    Neighbors out = Neighbors.empty(queryCount, k);
    if (queryCount == 0 || vectorCount == 0) {
      return out;
    }
    int dim = vectors.dimension();
    TilePlan plan = TilePlan.of(device.budget(), queryCount, vectorCount, dim, k);
    int qt = plan.queryTile();
    int vt = plan.vectorTile();
    int buffers = plan.vectorBuffers();
    int vectorTiles = TilePlan.tiles(vectorCount, vt);
    long rowBytes = (long) dim * Float.BYTES;
    long listBytes = (long) qt * k * Integer.BYTES;
    CudaKernels kernels = device.kernels();
    CUstream compute = device.compute();
    CUstream copy = device.copy();

    try (DeviceWorkspace ws = new DeviceWorkspace(device.budget(), compute, copy)) {
      CUdeviceptr dQueries = ws.alloc(qt * rowBytes);
      CUdeviceptr dScores = ws.alloc((long) qt * vt * Float.BYTES);
      CUdeviceptr dIds = ws.alloc(listBytes);
      CUdeviceptr dTop = ws.alloc(listBytes);
      CUdeviceptr[] dVectors = new CUdeviceptr[buffers];
      Pinned[] hVectors = new Pinned[buffers];
      CUevent[] uploaded = new CUevent[buffers];
      CUevent[] consumed = new CUevent[buffers];
      int[] loaded = new int[buffers];
      for (int b = 0; b < buffers; b++) {
        dVectors[b] = ws.alloc(vt * rowBytes);
        hVectors[b] = ws.pinned(vt * rowBytes);
        uploaded[b] = ws.event();
        consumed[b] = ws.event();
        loaded[b] = -1;
      }
      assert ws.deviceBytes() == plan.deviceBytes(dim, k)
          : ws.deviceBytes() + " bytes allocated, planned " + plan.deviceBytes(dim, k);
      Pinned hQueries = ws.pinned(qt * rowBytes);
      Pinned hIds = ws.pinned(listBytes);
      Pinned hTop = ws.pinned(listBytes);

      for (int q0 = 0; q0 < queryCount; q0 += qt) {
        int qn = Math.min(qt, queryCount - q0);
        // The compute stream drained at the end of the previous query tile: hQueries is free.
        queries.copyTo(q0, qn, hQueries.floats());
        cuMemcpyHtoDAsync(dQueries, hQueries.pointer(), qn * rowBytes, compute);
        cuMemsetD32Async(dIds, -1, (long) qn * k, compute);
        cuMemsetD32Async(dTop, NEGATIVE_INFINITY_BITS, (long) qn * k, compute);
        for (int t = 0; t < vectorTiles; t++) {
          int b = t % buffers;
          int v0 = t * vt;
          int vn = Math.min(vt, vectorCount - v0);
          if (loaded[b] != t) {
            if (loaded[b] >= 0) {
              // The previous upload from this staging buffer must be done before it is refilled,
              // and the kernels reading the device buffer done before it is overwritten.
              cuEventSynchronize(uploaded[b]);
            }
            vectors.copyTo(v0, vn, hVectors[b].floats());
            if (loaded[b] >= 0) {
              cuStreamWaitEvent(copy, consumed[b], 0);
            }
            cuMemcpyHtoDAsync(dVectors[b], hVectors[b].pointer(), vn * rowBytes, copy);
            cuEventRecord(uploaded[b], copy);
            loaded[b] = t;
          }
          cuStreamWaitEvent(compute, uploaded[b], 0);
          kernels.scores(scores, dQueries, qn, dVectors[b], vn, dim, dScores, vt, compute);
          kernels.merge(dScores, vt, qn, vn, q0, v0, skipSelf, k, dIds, dTop, compute);
          cuEventRecord(consumed[b], compute);
        }
        long bytes = (long) qn * k * Integer.BYTES;
        cuMemcpyDtoHAsync(hIds.pointer(), dIds, bytes, compute);
        cuMemcpyDtoHAsync(hTop.pointer(), dTop, bytes, compute);
        cuStreamSynchronize(compute);
        hIds.ints().get(out.ids(), q0 * k, qn * k);
        hTop.floats().get(out.scores(), q0 * k, qn * k);
      }
    }
    return out;
  }
}

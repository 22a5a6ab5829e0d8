// Quiver's CUDA kernels. CudaKernels compiles this file with NVRTC when an accelerator opens, for
// the device's compute capability, so it includes no header: NVRTC declares the built-in variables
// (threadIdx, ...) and intrinsics (__shfl_down_sync, __fmul_rn, fabsf, ...) itself.
// gpu/src/test/cuda/check-kernels.sh compile-checks it with clang (and nvcc, where present).
//
// Two steps make an exact top-k over tiles of queries and vectors (TiledTopK drives them):
//   scores_*      one score tile: tile[q * ld + v] = score(query q, vector v), higher is better;
//   merge_topk_K  folds a score tile into every query's running top-k (ids + scores, best first).
// Entry points are extern "C" so that cuModuleGetFunction finds them by these names.

#define TILE 64                          // query rows and vector columns per score block
#define TK 16                            // dimensions per shared-memory step
#define THREADS 16                       // a score block is THREADS x THREADS threads
#define PER_THREAD (TILE / THREADS)      // each thread computes PER_THREAD x PER_THREAD scores
#define FULL_MASK 0xffffffffu
#define NEG_INF __int_as_float((int)0xff800000u)

enum Metric { DOT = 0, L2 = 1, L2_EXACT = 2, L1 = 3 };

// acc + the term of one dimension. L2 is taken from differences (not from norms), so it rounds
// like the CPU's loop; L2_EXACT rounds every step on its own (no fused multiply-add) and adds
// the dimensions in order, which is bit for bit what KMeans.nearest computes in Java.
template <int METRIC>
__device__ __forceinline__ float accumulate(float acc, float a, float b) {
  if (METRIC == DOT) {
    return fmaf(a, b, acc);
  } else if (METRIC == L2) {
    float d = a - b;
    return fmaf(d, d, acc);
  } else if (METRIC == L2_EXACT) {
    float d = __fsub_rn(a, b);
    return __fadd_rn(acc, __fmul_rn(d, d));
  } else {
    return acc + fabsf(a - b);
  }
}

// Scores queries [blockIdx.y * TILE, +TILE) against vectors [blockIdx.x * TILE, +TILE), both
// row-major with `dim` floats per row. Dimensions are staged through shared memory TK at a time;
// rows past qn / vn and dimensions past dim are loaded as zeros, which add nothing to any metric.
// Every score sums its dimensions in order 0 .. dim-1.
template <int METRIC>
__device__ __forceinline__ void score_tile(const float* __restrict__ q, int qn,
                                           const float* __restrict__ v, int vn, int dim,
                                           float* __restrict__ out, int ld) {
  // Transposed ([dimension][row]) and padded by one so that the stores hit distinct banks.
  __shared__ float qs[TK][TILE + 1];
  __shared__ float vs[TK][TILE + 1];
  const int tx = threadIdx.x;
  const int ty = threadIdx.y;
  const int tid = ty * THREADS + tx;
  const int qBase = blockIdx.y * TILE;
  const int vBase = blockIdx.x * TILE;

  float acc[PER_THREAD][PER_THREAD];
#pragma unroll
  for (int i = 0; i < PER_THREAD; i++) {
#pragma unroll
    for (int j = 0; j < PER_THREAD; j++) {
      acc[i][j] = 0.0f;
    }
  }

  for (int t0 = 0; t0 < dim; t0 += TK) {
    // Neighbouring threads read neighbouring dimensions of one row: TK floats per row segment.
    for (int e = tid; e < TILE * TK; e += THREADS * THREADS) {
      const int r = e / TK;
      const int t = e % TK;
      const int dt = t0 + t;
      const int qr = qBase + r;
      const int vr = vBase + r;
      qs[t][r] = (qr < qn && dt < dim) ? q[(size_t)qr * dim + dt] : 0.0f;
      vs[t][r] = (vr < vn && dt < dim) ? v[(size_t)vr * dim + dt] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int t = 0; t < TK; t++) {
      float a[PER_THREAD];
      float b[PER_THREAD];
#pragma unroll
      for (int i = 0; i < PER_THREAD; i++) {
        a[i] = qs[t][ty + i * THREADS];
      }
#pragma unroll
      for (int j = 0; j < PER_THREAD; j++) {
        b[j] = vs[t][tx + j * THREADS];
      }
#pragma unroll
      for (int i = 0; i < PER_THREAD; i++) {
#pragma unroll
        for (int j = 0; j < PER_THREAD; j++) {
          acc[i][j] = accumulate<METRIC>(acc[i][j], a[i], b[j]);
        }
      }
    }
    __syncthreads();
  }

  // Strided ownership (ty + i * THREADS, tx + j * THREADS): a warp writes whole row segments.
#pragma unroll
  for (int i = 0; i < PER_THREAD; i++) {
    const int row = qBase + ty + i * THREADS;
#pragma unroll
    for (int j = 0; j < PER_THREAD; j++) {
      const int col = vBase + tx + j * THREADS;
      if (row < qn && col < vn) {
        out[(size_t)row * ld + col] = METRIC == DOT ? acc[i][j] : -acc[i][j];
      }
    }
  }
}

#define SCORES(NAME, METRIC)                                                               \
  extern "C" __global__ void __launch_bounds__(THREADS * THREADS)                          \
      NAME(const float* __restrict__ q, int qn, const float* __restrict__ v, int vn,       \
           int dim, float* __restrict__ out, int ld) {                                     \
    score_tile<METRIC>(q, qn, v, vn, dim, out, ld);                                        \
  }

SCORES(scores_dot, DOT)
SCORES(scores_l2, L2)
SCORES(scores_l2_exact, L2_EXACT)
SCORES(scores_l1, L1)

// The accelerators' order: higher score first, then lower id. An id < 0 is an empty slot and
// ranks after every real entry, even one scoring -Infinity.
__device__ __forceinline__ bool better(float s, int i, float t, int j) {
  if (j < 0) {
    return i >= 0;
  }
  if (i < 0) {
    return false;
  }
  return s > t || (s == t && i < j);
}

// Inserts (s, id) into the sorted list ls/li of len entries, keeping at most k (<= KMAX).
template <int KMAX>
__device__ __forceinline__ void insert(float* ls, int* li, int& len, int k, float s, int id) {
  if (len == k && !better(s, id, ls[k - 1], li[k - 1])) {
    return;
  }
  int p = len < k ? len : k - 1;
  while (p > 0 && better(s, id, ls[p - 1], li[p - 1])) {
    ls[p] = ls[p - 1];
    li[p] = li[p - 1];
    p--;
  }
  ls[p] = s;
  li[p] = id;
  if (len < k) {
    len++;
  }
}

// One warp per query row. Each lane keeps, in a private sorted list, the best k of its share of
// the row's old top-k (entries lane, lane + 32, ...) and of the score tile's row (columns lane,
// lane + 32, ...); then k rounds of a warp-wide argmax, each taking the head of the lane that
// holds the best, write the merged top-k back in place. Every id is in exactly one lane's share
// (old entries come from earlier vector tiles, so they never repeat a column of this one), which
// is what lets the winner's lane be found by its id.
//
// scores: rows x ld score tile, cols valid columns; column c is vector colBase + c and row r is
// query rowBase + r. With skipSelf, the vector whose id equals the query's is left out (the k-NN
// graph). ids/top: rows x k, the running lists, (-1, -Infinity) in empty slots.
template <int KMAX>
__device__ __forceinline__ void merge_rows(const float* __restrict__ scores, int ld, int rows,
                                           int cols, int rowBase, int colBase, int skipSelf,
                                           int k, int* __restrict__ ids, float* __restrict__ top) {
  const int row = (int)((blockIdx.x * (size_t)blockDim.x + threadIdx.x) >> 5);
  const int lane = threadIdx.x & 31;
  if (row >= rows) {
    return;  // the whole warp: all its lanes share the row
  }
  float ls[KMAX];
  int li[KMAX];
  int len = 0;
  int* rowIds = ids + (size_t)row * k;
  float* rowTop = top + (size_t)row * k;
  for (int r = lane; r < k; r += 32) {
    const int id = rowIds[r];
    if (id >= 0) {
      insert<KMAX>(ls, li, len, k, rowTop[r], id);
    }
  }
  const float* tile = scores + (size_t)row * ld;
  const int self = skipSelf ? rowBase + row : -1;
  for (int c = lane; c < cols; c += 32) {
    const int id = colBase + c;
    if (id != self) {
      insert<KMAX>(ls, li, len, k, tile[c], id);
    }
  }
  // Every lane has read its old entries before any lane overwrites them.
  __syncwarp(FULL_MASK);

  int head = 0;
  for (int r = 0; r < k; r++) {
    const float mine = head < len ? ls[head] : NEG_INF;
    const int mineId = head < len ? li[head] : -1;
    float best = mine;
    int bestId = mineId;
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
      const float s = __shfl_down_sync(FULL_MASK, best, offset);
      const int id = __shfl_down_sync(FULL_MASK, bestId, offset);
      if (better(s, id, best, bestId)) {
        best = s;
        bestId = id;
      }
    }
    best = __shfl_sync(FULL_MASK, best, 0);
    bestId = __shfl_sync(FULL_MASK, bestId, 0);
    if (lane == (r & 31)) {
      rowIds[r] = bestId;
      rowTop[r] = bestId >= 0 ? best : NEG_INF;
    }
    if (bestId >= 0 && mineId == bestId) {
      head++;
    }
  }
}

#define MERGE(KMAX)                                                                          \
  extern "C" __global__ void __launch_bounds__(128)                                          \
      merge_topk_##KMAX(const float* __restrict__ scores, int ld, int rows, int cols,        \
                        int rowBase, int colBase, int skipSelf, int k, int* __restrict__ ids, \
                        float* __restrict__ top) {                                           \
    merge_rows<KMAX>(scores, ld, rows, cols, rowBase, colBase, skipSelf, k, ids, top);       \
  }

MERGE(32)
MERGE(64)
MERGE(128)
MERGE(256)

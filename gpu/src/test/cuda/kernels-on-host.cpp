// Tests kernels.cu's logic on the host (see host-emulation.h): the score kernels against a plain
// loop, and the tiled top-k (score tile + merge, driven as TiledTopK drives them) against a sort of
// every score, with many ties, partial tiles, k beyond one merge capacity, padding and self-skip.
// Built and run by check-kernels.sh; exits non-zero on the first mismatch.
#include "host-emulation.h"
#include KERNELS

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>

using ScoreKernel = void (*)(const float*, int, const float*, int, int, float*, int);
using MergeKernel = void (*)(const float*, int, int, int, int, int, int, int, int*, float*);

static int failures = 0;

#define CHECK(cond, ...)                            \
  do {                                              \
    if (!(cond)) {                                  \
      std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      std::fprintf(stderr, __VA_ARGS__);            \
      std::fprintf(stderr, "\n");                   \
      if (++failures > 10) std::exit(1);            \
    }                                               \
  } while (0)

static void scores(ScoreKernel kernel, const float* q, int qn, const float* v, int vn, int dim,
                   float* out, int ld) {
  launch(dim3{(unsigned)((vn + TILE - 1) / TILE), (unsigned)((qn + TILE - 1) / TILE), 1},
         dim3{THREADS, THREADS, 1}, kernel, q, qn, v, vn, dim, out, ld);
}

static MergeKernel mergeFor(int k) {
  return k <= 32 ? merge_topk_32 : k <= 64 ? merge_topk_64 : k <= 128 ? merge_topk_128 : merge_topk_256;
}

// The exact score of one pair as each kernel defines it, in dimension order.
static float reference(int metric, const float* a, const float* b, int dim) {
  float acc = 0;
  for (int t = 0; t < dim; t++) {
    float d = a[t] - b[t];
    switch (metric) {
      case DOT: acc = std::fma(a[t], b[t], acc); break;
      case L2: acc = std::fma(d, d, acc); break;
      case L2_EXACT: acc = acc + d * d; break;  // -ffp-contract=off: rounded twice, like Java
      default: acc = acc + std::fabs(d); break;
    }
  }
  return metric == DOT ? acc : -acc;
}

// Tiled exact top-k, in the order TiledTopK issues the kernels.
static void tiledTopK(ScoreKernel kernel, const std::vector<float>& q, int nq,
                      const std::vector<float>& v, int n, int dim, int k, int qt, int vt,
                      bool skipSelf, std::vector<int>& ids, std::vector<float>& top) {
  ids.assign((size_t)nq * k, -1);
  top.assign((size_t)nq * k, -INFINITY);
  std::vector<float> tile((size_t)qt * vt);
  std::vector<int> lists((size_t)qt * k);
  std::vector<float> listScores((size_t)qt * k);
  for (int q0 = 0; q0 < nq; q0 += qt) {
    int qn = std::min(qt, nq - q0);
    std::fill(lists.begin(), lists.end(), -1);
    std::fill(listScores.begin(), listScores.end(), -INFINITY);
    for (int v0 = 0; v0 < n; v0 += vt) {
      int vn = std::min(vt, n - v0);
      scores(kernel, &q[(size_t)q0 * dim], qn, &v[(size_t)v0 * dim], vn, dim, tile.data(), vt);
      launch(dim3{(unsigned)((qn + 3) / 4), 1, 1}, dim3{128, 1, 1}, mergeFor(k),
             (const float*)tile.data(), vt, qn, vn, q0, v0, skipSelf ? 1 : 0, k, lists.data(),
             listScores.data());
    }
    std::copy(lists.begin(), lists.begin() + (size_t)qn * k, ids.begin() + (size_t)q0 * k);
    std::copy(listScores.begin(), listScores.begin() + (size_t)qn * k,
              top.begin() + (size_t)q0 * k);
  }
}

static std::vector<float> data(std::mt19937& random, int rows, int dim, bool integers) {
  // Integer data from a small range: exact sums in any order, and many equal scores.
  std::uniform_int_distribution<int> small(-2, 2);
  std::normal_distribution<float> gaussian(0, 1);
  std::vector<float> out((size_t)rows * dim);
  for (auto& x : out) x = integers ? (float)small(random) : gaussian(random);
  return out;
}

static void checkScores(int metric, ScoreKernel kernel, std::mt19937& random) {
  int qn = 70, vn = 131, dim = 37, ld = 140;
  auto q = data(random, qn, dim, false);
  auto v = data(random, vn, dim, false);
  std::vector<float> out((size_t)qn * ld, 12345.0f);
  scores(kernel, q.data(), qn, v.data(), vn, dim, out.data(), ld);
  for (int i = 0; i < qn; i++) {
    for (int j = 0; j < ld; j++) {
      float got = out[(size_t)i * ld + j];
      if (j >= vn) {
        CHECK(got == 12345.0f, "metric %d wrote past the valid columns at %d,%d", metric, i, j);
        continue;
      }
      float want = reference(metric, &q[(size_t)i * dim], &v[(size_t)j * dim], dim);
      CHECK(bits(got) == bits(want), "metric %d score %d,%d: %.9g, want %.9g", metric, i, j, got,
            want);
    }
  }
}

static void checkTopK(ScoreKernel kernel, int metric, int nq, int n, int dim, int k, int qt,
                      int vt, bool skipSelf, bool integers, std::mt19937& random) {
  auto v = data(random, n, dim, integers);
  auto q = skipSelf ? v : data(random, nq, dim, integers);
  if (skipSelf) nq = n;
  std::vector<int> ids;
  std::vector<float> top;
  tiledTopK(kernel, q, nq, v, n, dim, k, qt, vt, skipSelf, ids, top);
  for (int i = 0; i < nq; i++) {
    std::vector<std::pair<float, int>> all;
    for (int j = 0; j < n; j++) {
      if (skipSelf && i == j) continue;
      all.push_back({reference(metric, &q[(size_t)i * dim], &v[(size_t)j * dim], dim), j});
    }
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    for (int r = 0; r < k; r++) {
      int wantId = r < (int)all.size() ? all[r].second : -1;
      float wantScore = r < (int)all.size() ? all[r].first : -INFINITY;
      int gotId = ids[(size_t)i * k + r];
      float gotScore = top[(size_t)i * k + r];
      CHECK(gotId == wantId && bits(gotScore) == bits(wantScore),
            "top-%d (n=%d dim=%d tiles %dx%d self=%d) query %d rank %d: (%d, %g), want (%d, %g)",
            k, n, dim, qt, vt, skipSelf, i, r, gotId, gotScore, wantId, wantScore);
    }
  }
}

int main() {
  std::mt19937 random(20261121);
  checkScores(DOT, scores_dot, random);
  checkScores(L2, scores_l2, random);
  checkScores(L2_EXACT, scores_l2_exact, random);
  checkScores(L1, scores_l1, random);
  std::printf("score kernels: ok\n");

  // metric, queries, vectors, dim, k, query tile, vector tile, skip self, integer data
  checkTopK(scores_dot, DOT, 37, 300, 37, 10, 37, 300, false, true, random);   // one tile
  checkTopK(scores_dot, DOT, 37, 300, 37, 10, 16, 70, false, true, random);    // many, ties
  checkTopK(scores_l2, L2, 9, 301, 5, 40, 4, 64, false, true, random);         // merge_topk_64
  checkTopK(scores_l1, L1, 5, 1000, 3, 100, 5, 97, false, true, random);       // merge_topk_128
  checkTopK(scores_l2, L2, 3, 700, 2, 256, 2, 129, false, true, random);       // merge_topk_256
  checkTopK(scores_l2, L2, 6, 5, 3, 8, 6, 2, false, true, random);             // padded rows
  checkTopK(scores_l2, L2, 0, 150, 7, 16, 33, 40, true, true, random);         // k-NN graph
  checkTopK(scores_dot, DOT, 0, 90, 9, 32, 90, 90, true, false, random);       // graph, 1 tile
  checkTopK(scores_l2_exact, L2_EXACT, 200, 17, 12, 1, 64, 17, false, false, random);  // k-means
  checkTopK(scores_l2, L2, 0, 3, 4, 5, 2, 2, true, true, random);              // graph, k >= n
  std::printf("tiled top-k: %s\n", failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}

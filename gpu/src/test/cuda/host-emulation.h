// Runs kernels.cu on the host, one std::thread per CUDA thread, so that the kernels' logic (score
// tiles, the warp merge, ties, padding, self-skipping) can be tested on a machine without a GPU.
// Blocks run one after another; __shared__ variables become statics (one block at a time uses
// them); __syncthreads, __syncwarp and the warp shuffles are std::barrier rendezvous. It checks
// what the code computes, not how fast, nor anything about the memory model of a real device.
// Only kernels-on-host.cpp includes it, before kernels.cu.
#pragma once

#include <barrier>
#include <cmath>
#include <math.h>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)

struct BlockSync {
  explicit BlockSync(int threads) : block(threads), slots(threads) {
    for (int w = 0; w < (threads + 31) / 32; w++) {
      warps.push_back(std::make_unique<std::barrier<>>(32));
    }
  }
  std::barrier<> block;
  std::vector<std::unique_ptr<std::barrier<>>> warps;
  std::vector<uint32_t> slots;
};

inline thread_local BlockSync* currentBlock;

inline int linearThread() { return threadIdx.x + threadIdx.y * blockDim.x; }

inline void __syncthreads() { currentBlock->block.arrive_and_wait(); }

inline void __syncwarp(unsigned) { currentBlock->warps[linearThread() / 32]->arrive_and_wait(); }

// Every lane of the warp publishes its value, then reads the one of lane `from`.
inline uint32_t exchange(uint32_t value, int from) {
  int t = linearThread();
  int warp = t / 32;
  currentBlock->slots[t] = value;
  currentBlock->warps[warp]->arrive_and_wait();
  uint32_t got = currentBlock->slots[warp * 32 + from];
  currentBlock->warps[warp]->arrive_and_wait();
  return got;
}

inline uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float __int_as_float(int i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}

inline int __shfl_down_sync(unsigned, int v, unsigned d) {
  int lane = linearThread() % 32;
  return (int)exchange((uint32_t)v, lane + (int)d < 32 ? lane + (int)d : lane);
}

inline float __shfl_down_sync(unsigned, float v, unsigned d) {
  int lane = linearThread() % 32;
  return __int_as_float((int)exchange(bits(v), lane + (int)d < 32 ? lane + (int)d : lane));
}

inline int __shfl_sync(unsigned, int v, int from) { return (int)exchange((uint32_t)v, from); }

inline float __shfl_sync(unsigned, float v, int from) {
  return __int_as_float((int)exchange(bits(v), from));
}

// Compiled with -ffp-contract=off, so these round each step, as the device intrinsics do.
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }



// kernel<<<grid, block>>>(args...), on host threads.
template <class Kernel, class... Args>
void launch(dim3 grid, dim3 block, Kernel kernel, Args... args) {
  gridDim = grid;
  blockDim = block;
  int threads = block.x * block.y;
  for (unsigned by = 0; by < grid.y; by++) {
    for (unsigned bx = 0; bx < grid.x; bx++) {
      BlockSync sync(threads);
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; t++) {
        pool.emplace_back([&, t] {
          threadIdx = dim3{(unsigned)(t % block.x), (unsigned)(t / block.x), 1};
          blockIdx = dim3{bx, by, 1};
          currentBlock = &sync;
          kernel(args...);
        });
      }
      for (auto& th : pool) th.join();
    }
  }
}

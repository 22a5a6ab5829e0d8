// What NVRTC declares implicitly and plain clang (-nocudainc: no CUDA headers) does not: the
// execution-space attributes and the intrinsics kernels.cu uses, mapped to clang's NVPTX builtins.
// Only check-kernels.sh includes this; kernels.cu itself must stay free of includes.
#pragma once

#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __shared__ __attribute__((shared))
#define __forceinline__ __inline__ __attribute__((always_inline))
#define __launch_bounds__(...) __attribute__((launch_bounds(__VA_ARGS__)))
#define __restrict__ __restrict

#include "__clang_cuda_builtin_vars.h"

typedef __SIZE_TYPE__ size_t;

__device__ inline float __int_as_float(int x) { return __builtin_bit_cast(float, x); }
__device__ inline float fmaf(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
__device__ inline float fabsf(float x) { return __builtin_fabsf(x); }
// As in CUDA's headers, inline PTX: clang lowers its __nvvm_*_rn_f builtins to plain IR
// operations, which it then fuses into fma, the very thing these intrinsics exist to prevent.
__device__ inline float __fadd_rn(float a, float b) {
  float r;
  asm("add.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
  return r;
}
__device__ inline float __fsub_rn(float a, float b) {
  float r;
  asm("sub.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
  return r;
}
__device__ inline float __fmul_rn(float a, float b) {
  float r;
  asm("mul.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
  return r;
}
__device__ inline void __syncwarp(unsigned mask) { __nvvm_bar_warp_sync(mask); }
__device__ inline int __shfl_down_sync(unsigned mask, int v, unsigned delta) {
  return __nvvm_shfl_sync_down_i32(mask, v, delta, 0x1f);
}
__device__ inline float __shfl_down_sync(unsigned mask, float v, unsigned delta) {
  return __nvvm_shfl_sync_down_f32(mask, v, delta, 0x1f);
}
__device__ inline int __shfl_sync(unsigned mask, int v, int lane) {
  return __nvvm_shfl_sync_idx_i32(mask, v, lane, 0x1f);
}
__device__ inline float __shfl_sync(unsigned mask, float v, int lane) {
  return __nvvm_shfl_sync_idx_f32(mask, v, lane, 0x1f);
}

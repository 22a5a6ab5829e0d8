#!/usr/bin/env bash
# Checks kernels.cu without a GPU (not run by the Maven build or CI; see gpu/README.md):
#  1. clang compiles it for the device (sm_80 PTX), with nvrtc-prelude.h standing in for what
#     NVRTC declares implicitly, and every entry point TiledTopK/CudaKernels launch is in the PTX;
#  2. where a CUDA toolkit's nvcc is on the PATH, nvcc compiles it to sm_90 SASS and ptxas
#     reports registers, shared and local memory per kernel (spills would show here);
#     in both PTXs, scores_l2_exact must hold no fused multiply-add (k-means relies on it);
#  3. the kernels run on the host, one thread per CUDA thread (host-emulation.h), and
#     kernels-on-host.cpp checks their results against plain loops and sorts.
# Needs clang (14 or later) and g++ (C++20). Usage: gpu/src/test/cuda/check-kernels.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kernels="$here/../../main/resources/io/quiver/gpu/kernels.cu"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

clang="$(command -v clang-14 || command -v clang || true)"
if [[ -z "$clang" ]]; then
  echo "clang not found (apt-get install clang-14)" >&2
  exit 2
fi
echo "== $($clang --version | head -1): device compile, sm_80"
# +ptx70: the sync shuffles need PTX 6.0 or later, which clang only assumes with a CUDA install.
"$clang" -x cuda --cuda-device-only --cuda-gpu-arch=sm_80 -nocudainc -nocudalib -O3 -std=c++17 \
  -Xclang -target-feature -Xclang +ptx70 -Wall -Wextra -Werror -Wno-unknown-cuda-version \
  -include "$here/nvrtc-prelude.h" -S -o "$out/kernels.ptx" "$kernels"
for entry in scores_dot scores_l2 scores_l2_exact scores_l1 \
  merge_topk_32 merge_topk_64 merge_topk_128 merge_topk_256; do
  grep -q "^\.visible \.entry $entry(" "$out/kernels.ptx" || {
    echo "entry $entry missing from the PTX" >&2
    exit 1
  }
done
echo "all 8 entry points present, unmangled"
# k-means relies on scores_l2_exact rounding every step as Java does: no fused multiply-add.
no_fma() {
  local fmas
  fmas="$(awk '/\.entry scores_l2_exact\(/{p=1; next} /\.entry /{p=0} p' "$1" | grep -c 'fma' || true)"
  if [[ "$fmas" != 0 ]]; then
    echo "scores_l2_exact holds $fmas fused multiply-adds in $1" >&2
    exit 1
  fi
  echo "scores_l2_exact: no fused multiply-add"
}
no_fma "$out/kernels.ptx"

if command -v nvcc > /dev/null; then
  echo "== $(nvcc --version | tail -1): sm_90"
  cp "$kernels" "$out/kernels.cu"
  nvcc -std=c++17 -arch=sm_90 -cubin -Xptxas -v -Werror all-warnings \
    -o "$out/kernels.cubin" "$out/kernels.cu" 2>&1 | grep -E "Compiling entry|Used|stack frame"
  nvcc -std=c++17 -arch=sm_90 -ptx -o "$out/nvcc.ptx" "$out/kernels.cu"
  no_fma "$out/nvcc.ptx"
else
  echo "== nvcc not on the PATH: skipping the ptxas resource report"
fi

echo "== kernels on the host"
g++ -std=c++20 -O1 -ffp-contract=off -pthread -Wall -Wno-unknown-pragmas \
  -I"$here" -DKERNELS="\"$kernels\"" -o "$out/kernels-on-host" "$here/kernels-on-host.cpp"
"$out/kernels-on-host"

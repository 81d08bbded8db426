#!/usr/bin/env bash
# GPU check (issue 5): builds the self-contained GPU publish (ONNX Runtime with the CUDA EP), shows what the
# machine has (hw --json), then measures synthetic phi-3-mini fp16 on CUDA at batch 1 and 8 with the OrtEngine,
# prints the report table and the decode efficiency against the GPU's memory bandwidth. See docs/gpu.md.
#   scripts/gpu-check.sh [extra run options, e.g. --cuda-graph]
# Environment (all optional):
#   IE_GPU_MODEL (synthetic:phi-3-mini)  IE_GPU_BATCH (1,8)  IE_GPU_PROMPT (128)  IE_GPU_GEN (128)
#   IE_GPU_PRECISION (fp16; empty for a model folder)  IE_GPU_TIME_BUDGET (seconds per scenario, 10)
#   IE_CUDA_LIB_DIRS (extra ':'-separated folders holding libcudart.so.13, libcublas*.so.13, libcudnn.so.9 ...)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export IE_ROOT="$root" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="$root/.publish/gpu"
results="$root/.gpu/results"
model="${IE_GPU_MODEL:-synthetic:phi-3-mini}"
batches="${IE_GPU_BATCH:-1,8}"
prompt="${IE_GPU_PROMPT:-128}"
gen="${IE_GPU_GEN:-128}"
budget="${IE_GPU_TIME_BUDGET:-10}"
precision=(--precision "${IE_GPU_PRECISION-fp16}")
[[ -n "${IE_GPU_PRECISION-fp16}" ]] || precision=()

# shellcheck source=cuda-libpath.sh
source "$root/scripts/cuda-libpath.sh"
# shellcheck source=gpu-publish.sh
source "$root/scripts/gpu-publish.sh"

# 1. CUDA 13 + cuDNN 9 libraries from the pip wheels' site-packages/nvidia/**/lib (and IE_CUDA_LIB_DIRS).
ie_cuda_libpath
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"

# 2. Self-contained GPU publish; the GPU libonnxruntime.so (~33 MB) must win over GenAI's CPU one (~29 MB).
ie_gpu_publish "$out" || exit 1

# 3. What this machine has.
"$out/ie" hw --json || echo "warning: 'hw --json' failed (exit $?); going on" >&2

# 4. The measurement: OrtEngine on CUDA, report table printed by the run command.
mkdir -p "$results"
"$out/ie" run --model "$model" "${precision[@]}" --device cuda --engine ort \
  --batch "$batches" --prompt-tokens "$prompt" --gen-tokens "$gen" --time-budget "$budget" --results "$results" "$@"

# 5. The table's "decode roofline" column is the decode efficiency against the GPU's catalog memory
#    bandwidth (H200: 4.8 TB/s; METRICS.md roofline); scenarios.csv has the bytes per step behind it.

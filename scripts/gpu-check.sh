#!/usr/bin/env bash
# GPU check (issue 5): builds the self-contained GPU publish (ONNX Runtime with the CUDA EP), shows what the
# machine has (hw --json), then measures synthetic phi-3-mini fp16 on CUDA at batch 1 and 8 with the OrtEngine,
# prints the report table and the decode efficiency against the GPU's memory bandwidth. See docs/gpu.md.
#   scripts/gpu-check.sh [extra run options, e.g. --cuda-graph]
# Environment (all optional):
#   IE_GPU_MODEL (synthetic:phi-3-mini)  IE_GPU_BATCH (1,8)  IE_GPU_PROMPT (128)  IE_GPU_GEN (128)
#   IE_GPU_PRECISION (fp16; empty for a model folder)  IE_GPU_BANDWIDTH_TBS (4.8, the H200's)  IE_GPU_TIME_BUDGET (seconds per scenario, 10)
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
bandwidth="${IE_GPU_BANDWIDTH_TBS:-4.8}"
budget="${IE_GPU_TIME_BUDGET:-10}"
precision=(--precision "${IE_GPU_PRECISION-fp16}")
[[ -n "${IE_GPU_PRECISION-fp16}" ]] || precision=()

# 1. CUDA 13 + cuDNN 9 libraries: the pip wheels (nvidia-cuda-runtime, nvidia-cublas, nvidia-curand,
#    nvidia-cudnn-cu13 ...) put them under site-packages/nvidia/**/lib; the system loader does not look there.
libdirs="${IE_CUDA_LIB_DIRS:-}"
if command -v python3 >/dev/null 2>&1; then
  for site in $(python3 -c 'import site, sysconfig; print("\n".join(set(site.getsitepackages() + [site.getusersitepackages(), sysconfig.get_paths()["purelib"]])))' 2>/dev/null); do
    [[ -d "$site/nvidia" ]] || continue
    while IFS= read -r d; do libdirs="${libdirs:+$libdirs:}$d"; done < <(find "$site/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | sort)
  done
fi
if [[ -n "$libdirs" ]]; then export LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"

# 2. Self-contained GPU publish; the GPU libonnxruntime.so (~33 MB) must win over GenAI's CPU one (~29 MB).
echo "publishing the GPU variant to $out ..." >&2
dotnet publish "$root/src/InferenceEconomics.Cli/InferenceEconomics.Cli.csproj" -c Release -r linux-x64 --self-contained true \
  -p:IeGpu=true -o "$out" --nologo -v quiet -clp:ErrorsOnly
ort="$out/libonnxruntime.so"
[[ -f "$out/libonnxruntime_providers_cuda.so" ]] || { echo "error: $out has no libonnxruntime_providers_cuda.so: the GPU package did not restore" >&2; exit 1; }
size=$(stat -c %s "$ort")
if (( size < 31000000 )); then
  echo "error: $ort is $size bytes, the CPU build's (GPU ~33 MB, CPU ~29 MB): the CPU package's native files won; see docs/gpu.md" >&2
  exit 1
fi
echo "libonnxruntime.so: $size bytes (GPU build), providers: $(ls "$out" | grep -c '^libonnxruntime_providers_') provider libraries"

# 3. What this machine has.
"$out/ie" hw --json || echo "warning: 'hw --json' failed (exit $?); going on" >&2

# 4. The measurement: OrtEngine on CUDA, report table printed by the run command.
mkdir -p "$results"
"$out/ie" run --model "$model" "${precision[@]}" --device cuda --engine ort \
  --batch "$batches" --prompt-tokens "$prompt" --gen-tokens "$gen" --time-budget "$budget" --results "$results" "$@"

# 5. Decode efficiency = (bytes one decode step must read) / bandwidth / measured step time (METRICS.md roofline):
#    all weights but the embedding table (only B rows of it are read) + the KV cache at the mean context.
latest=$(ls -td "$results"/*/ 2>/dev/null | head -n 1)
if [[ -n "$latest" && -f "$latest/result.json" ]] && command -v python3 >/dev/null 2>&1; then
  python3 - "$latest/result.json" "$bandwidth" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); bw = float(sys.argv[2]) * 1e12
m = r["model"]; io = 2 if m.get("io_dtype") in ("fp16", "float16") else 4
embed = m["vocab_size"] * m["hidden_size"] * io
print(f"\ndecode efficiency vs {bw/1e12:g} TB/s ({r['engine']['name']} {r['engine']['version']}, {r['engine']['execution_provider']}):")
print("| B | P | G | tpot median (ms) | decode tok/s | bytes/step (GB) | lower bound (ms) | efficiency |")
print("|--:|--:|--:|--:|--:|--:|--:|--:|")
for s in r["scenarios"]:
    if s["status"] != "ok": print(f"| {s['batch_size']} | {s['prompt_tokens']} | {s['gen_tokens']} | failed: {s.get('failure_reason')} |"); continue
    b, p, g = s["batch_size"], s["prompt_tokens"], s["gen_tokens"]
    tpot = s["summary"]["tpot_seconds"]["median"]
    kv = 2 * m["layers"] * m["kv_heads"] * m["head_size"] * io * b * (p + g / 2)
    weights = m.get("weight_bytes") or m["parameter_count"] * io
    need = weights - embed + kv
    bound = need / bw
    print(f"| {b} | {p} | {g} | {tpot*1e3:.3f} | {s['summary']['decode_tps']['median']:.1f} | {need/1e9:.2f} | {bound*1e3:.3f} | {bound/tpot:.1%} |")
PY
fi

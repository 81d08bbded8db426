# Sourced (not run) by scripts/gpu-check.sh, scripts/gpu-bundle.sh and scripts/gpu-device-run.sh.
#   ie_gpu_publish DIR        self-contained GPU publish (-p:IeGpu=true, linux-x64) into DIR, then ie_gpu_check DIR
#   ie_gpu_check DIR          DIR holds the CUDA provider and the GPU libonnxruntime.so, not GenAI's CPU one
# Both print errors to stderr and return 1; the caller decides to stop. See docs/gpu.md.

# The GPU libonnxruntime.so of 1.31.0 is 33,076,832 bytes, the CPU one about 29 MB.
IE_GPU_ORT_MIN_BYTES=31000000

ie_gpu_publish() {
  local root out="$1"
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  echo "publishing the GPU variant to $out ..." >&2
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$root/src/InferenceEconomics.Cli/InferenceEconomics.Cli.csproj" \
    -c Release -r linux-x64 --self-contained true -p:IeGpu=true -o "$out" --nologo -v quiet -clp:ErrorsOnly || return 1
  ie_gpu_check "$out"
}

ie_gpu_check() {
  local dir="$1" size
  [[ -f "$dir/libonnxruntime_providers_cuda.so" ]] || { echo "error: $dir has no libonnxruntime_providers_cuda.so: the GPU package did not restore" >&2; return 1; }
  [[ -f "$dir/libonnxruntime.so" ]] || { echo "error: $dir has no libonnxruntime.so" >&2; return 1; }
  size=$(stat -c %s "$dir/libonnxruntime.so")
  if (( size < IE_GPU_ORT_MIN_BYTES )); then
    echo "error: $dir/libonnxruntime.so is $size bytes, the CPU build's (GPU ~33 MB, CPU ~29 MB): the CPU package's native files won; see docs/gpu.md" >&2
    return 1
  fi
  echo "libonnxruntime.so: $size bytes (GPU build), libonnxruntime_providers_cuda.so: $(stat -c %s "$dir/libonnxruntime_providers_cuda.so") bytes" >&2
}

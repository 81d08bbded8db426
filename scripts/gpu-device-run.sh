#!/usr/bin/env bash
# Runs ON the GPU box (docs/gpu.md, "On a GPU box without the SDK or a network"), in the project checkout copied
# made, with the parts of scripts/gpu-bundle.sh carried in .gpu/pN (one or more per call).
#   bash scripts/gpu-device-run.sh stage     move the carried parts to the staging folder (outside the repo copy),
#                                           check each part's sha256, print what is staged and what is missing
#   bash scripts/gpu-device-run.sh go [ie run options, e.g. --cuda-graph]
#                                           stage, join, check the archive's sha256, unpack (once per bundle),
#                                           put the CUDA wheels' libs on LD_LIBRARY_PATH, run `ie hw --json` and the
#                                           issue-5 measurement, copy hw.json, result.json, report.md, scenarios.csv,
#                                           and device-run.log into $OUT
#   bash scripts/gpu-device-run.sh status    print what is staged and unpacked
#   --dry-run (any mode)                     the same steps on the CPU of this machine: --device cpu, synthetic:tiny,
#                                           folders under /tmp/ie-device-dry unless set below; OUT must be set
# Environment (optional): IE_STAGE_DIR (/root/ie-stage)  IE_GPU_DIR (/root/ie-gpu: the unpacked publish)
#   IE_DEVICE_WORK (/root/ie-work: model cache and results)  IE_GPU_MODEL (synthetic:phi-3-mini)  IE_GPU_PRECISION (fp16)
#   IE_GPU_BATCH (1,8)  IE_GPU_PROMPT (128)  IE_GPU_GEN (128)  IE_GPU_TIME_BUDGET (10 s per scenario)
#   IE_GPU_RUN_TIMEOUT (330 s for `ie run`, so the files are copied before the call's limit)
# Exit codes: 0 ok, 2 usage, 3 parts missing or corrupt, 4 unpack or bundle check failed, else `ie run`'s own code.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

mode="${1:-}"; shift || true
dry=0
run_args=()
for a in "$@"; do
  if [[ "$a" == --dry-run ]]; then dry=1; else run_args+=("$a"); fi
done
case "$mode" in
  stage|go|status) ;;
  *) echo "usage: bash scripts/gpu-device-run.sh stage|go|status [--dry-run] [ie run options]" >&2; exit 2 ;;
esac

if (( dry )); then
  base="/tmp/ie-device-dry"
  device=cpu model="${IE_GPU_MODEL:-synthetic:tiny}" precision="${IE_GPU_PRECISION-}"
  batches="${IE_GPU_BATCH:-1,2}" prompt="${IE_GPU_PROMPT:-16}" gen="${IE_GPU_GEN:-8}" budget="${IE_GPU_TIME_BUDGET:-2}"
else
  base="${HOME:-/root}"
  device=cuda model="${IE_GPU_MODEL:-synthetic:phi-3-mini}" precision="${IE_GPU_PRECISION-fp16}"
  batches="${IE_GPU_BATCH:-1,8}" prompt="${IE_GPU_PROMPT:-128}" gen="${IE_GPU_GEN:-128}" budget="${IE_GPU_TIME_BUDGET:-10}"
fi
# Staging, the unpacked publish, the model cache and results live outside the checkout, so a fresh copy of the
# checkout (a job system may sync it for every job) loses none of them.
stage="${IE_STAGE_DIR:-$base/ie-stage}"
gpu="${IE_GPU_DIR:-$base/ie-gpu}"
work="${IE_DEVICE_WORK:-$base/ie-work}"
run_timeout="${IE_GPU_RUN_TIMEOUT:-330}"

# MANIFEST lines: "format F", "archive NAME BYTES SHA256", "parts N", "part I NAME BYTES SHA256" (scripts/gpu-bundle.sh).
manifest_field() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$1"; }
part_line() { awk -v i="$2" '$1 == "part" && $2 == i { print $3, $4, $5; exit }' "$1"; }

# Moves every carried .gpu/pN/ into $stage; a part whose sha256 does not match its MANIFEST is not kept.
stage_parts() {
  local dir m carried_sha staged_sha name bytes sha f got
  mkdir -p "$stage"
  for dir in "$root"/.gpu/p[0-9]*/; do
    [[ -d "$dir" ]] || continue
    m="$dir/MANIFEST"
    [[ -f "$m" ]] || { echo "warning: $dir has no MANIFEST; skipped" >&2; continue; }
    carried_sha=$(manifest_field "$m" archive | cut -d' ' -f3)
    staged_sha=$([[ -f "$stage/MANIFEST" ]] && manifest_field "$stage/MANIFEST" archive | cut -d' ' -f3 || true)
    if [[ -n "$staged_sha" && "$staged_sha" != "$carried_sha" ]]; then
      echo "a different bundle was staged before (${staged_sha:0:12}); clearing $stage for ${carried_sha:0:12}" >&2
      rm -rf "$stage"; mkdir -p "$stage"
    fi
    cp "$m" "$stage/MANIFEST"
    for f in "$dir"/*.part[0-9]*; do
      [[ -f "$f" ]] || continue
      name=$(basename "$f")
      bytes="" sha=""
      read -r _ bytes sha < <(awk -v n="$name" '$1 == "part" && $3 == n { print $2, $4, $5; exit }' "$m") || true
      got=$(sha256sum "$f" | cut -d' ' -f1)
      if [[ "$got" != "${sha:-}" ]]; then
        echo "error: carried $name has sha256 $got, MANIFEST says ${sha:-nothing}; not staged (copy it again)" >&2
        rm -f "$f"; continue
      fi
      mv "$f" "$stage/$name"
      echo "staged $name ($bytes bytes, sha256 ok)"
    done
    rm -rf "$dir"
  done
}

# Prints staged/missing parts; returns 3 when any is missing.
report_parts() {
  [[ -f "$stage/MANIFEST" ]] || { echo "nothing staged in $stage (no part carried yet on this machine)"; return 3; }
  local n i name bytes sha have=() missing=()
  n=$(manifest_field "$stage/MANIFEST" parts)
  for ((i = 1; i <= n; i++)); do
    name="" bytes=""
    read -r name bytes sha < <(part_line "$stage/MANIFEST" "$i") || true
    if [[ -f "$stage/$name" && $(stat -c %s "$stage/$name") == "$bytes" ]]; then have+=("p$i"); else missing+=("p$i"); fi
  done
  echo "bundle $(manifest_field "$stage/MANIFEST" archive | cut -d' ' -f3 | cut -c1-12): staged ${have[*]:-none} of $n parts${missing[*]:+; missing ${missing[*]}}"
  (( ${#missing[@]} == 0 )) || return 3
}

# Joins the parts, checks the whole archive's sha256 and unpacks into $gpu, unless this bundle is unpacked there already.
unpack() {
  local m="$stage/MANIFEST" format name bytes sha n i joined got t0=$SECONDS
  format=$(manifest_field "$m" format)
  read -r name bytes sha < <(manifest_field "$m" archive) || true
  [[ -n "${sha:-}" ]] || { echo "error: $m names no archive" >&2; return 3; }
  if [[ -f "$gpu/.bundle-sha256" && "$(cat "$gpu/.bundle-sha256")" == "$sha" ]]; then
    echo "bundle ${sha:0:12} already unpacked in $gpu"; return 0
  fi
  n=$(manifest_field "$m" parts)
  joined="$stage/$name"
  : > "$joined"
  for ((i = 1; i <= n; i++)); do cat "$stage/$(part_line "$m" "$i" | cut -d' ' -f1)" >> "$joined"; done
  got=$(sha256sum "$joined" | cut -d' ' -f1)
  if [[ "$got" != "$sha" || $(stat -c %s "$joined") != "$bytes" ]]; then
    rm -f "$joined"
    echo "error: joined archive has sha256 $got, MANIFEST says $sha: a part is damaged; stage all parts again" >&2; return 3
  fi
  rm -rf "$gpu"; mkdir -p "$gpu"
  case "$format" in
    zst) command -v zstd >/dev/null || { echo "error: zstd is not installed here; bundle with IE_BUNDLE_FORMAT=xz" >&2; return 4; }
         zstd -dc --long=27 "$joined" | tar -C "$gpu" -xf - || return 4 ;;
    xz) if command -v xz >/dev/null && [[ -z "${IE_UNPACK_WITH_PYTHON:-}" ]]; then
          xz -dc -T0 "$joined" | tar -C "$gpu" -xf - || return 4
        else   # no xz binary: python's standard lzma module reads the same archive
          echo "unpacking with python3's tarfile (no xz here)"
          python3 -c 'import sys, tarfile
t = tarfile.open(sys.argv[1], "r:xz")
try: t.extractall(sys.argv[2], filter="tar")
except TypeError: t.extractall(sys.argv[2])' "$joined" "$gpu" || return 4
        fi ;;
    *) echo "error: unknown bundle format '$format' in $m" >&2; return 4 ;;
  esac
  rm -f "$joined"
  chmod +x "$gpu/ie"
  echo "$sha" > "$gpu/.bundle-sha256"
  echo "unpacked ${sha:0:12} into $gpu ($(du -sm "$gpu" | cut -f1) MiB) in $((SECONDS - t0)) s"
}

measure() {
  local rc=0 latest f precision_args=()
  [[ -n "$precision" ]] && precision_args=(--precision "$precision")
  # shellcheck source=cuda-libpath.sh
  source "$root/scripts/cuda-libpath.sh"
  # shellcheck source=gpu-publish.sh
  source "$root/scripts/gpu-publish.sh"
  ie_gpu_check "$gpu" || return 4
  ie_cuda_libpath
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv || true
  fi
  export IE_ROOT="$root" IE_MODEL_CACHE="$work/models" DOTNET_CLI_TELEMETRY_OPTOUT=1
  mkdir -p "$work/models" "$work/results"
  "$gpu/ie" hw --json > "$OUT/hw.json" || echo "warning: 'ie hw --json' failed (exit $?); going on" >&2
  echo "hw.json: $(stat -c %s "$OUT/hw.json") bytes"
  local t0=$SECONDS
  echo "ie run --model $model ${precision_args[*]} --device $device --engine ort --batch $batches --prompt-tokens $prompt --gen-tokens $gen --time-budget $budget ${run_args[*]}"
  timeout --signal=INT --kill-after=20 "$run_timeout" "$gpu/ie" run --model "$model" "${precision_args[@]}" --device "$device" --engine ort \
    --batch "$batches" --prompt-tokens "$prompt" --gen-tokens "$gen" --time-budget "$budget" \
    --results "$work/results" "${run_args[@]}" || rc=$?
  echo "ie run: exit $rc after $((SECONDS - t0)) s"
  latest=$(ls -td "$work/results"/*/ 2>/dev/null | head -n 1 || true)
  if [[ -n "$latest" && -f "$latest/result.json" ]]; then
    cp "$latest/result.json" "$OUT/result.json"
    # report.md's "decode roofline" column holds the decode efficiency against the catalog bandwidth.
    for f in report.md scenarios.csv; do [[ -f "$latest/$f" ]] && cp "$latest/$f" "$OUT/$f"; done
  else
    echo "no result.json written under $work/results" >&2
  fi
  return "$rc"
}

go() {
  echo "device run $(date -u +%Y-%m-%dT%H:%M:%SZ) on ${HOSTNAME:-?}, mode go$( ((dry)) && echo ' --dry-run (CPU)')"
  stage_parts
  if ! report_parts; then
    echo "error: parts missing: copy them into .gpu/ and run 'stage' (or 'go') again; staged parts live in $stage" >&2
    return 3
  fi
  unpack || return $?
  measure
}

case "$mode" in
  stage) stage_parts; report_parts || true ;;
  status)
    report_parts || true
    if [[ -f "$gpu/.bundle-sha256" ]]; then echo "unpacked: $(cut -c1-12 "$gpu/.bundle-sha256") in $gpu"; else echo "unpacked: nothing in $gpu"; fi ;;
  go)
    : "${OUT:=$PWD/gpu-out}"   # where the results go (a job system may set it)
    mkdir -p "$OUT"
    go 2>&1 | tee "$OUT/device-run.log" ;;   # pipefail + errexit: the script exits with go's status
esac

#!/usr/bin/env bash
# Plays the device calls that scripts/gpu-bundle.sh printed, here on the CPU, with a temp folder as the device:
# each call copies the tree that would travel (tracked and untracked-not-ignored files) plus its carried .gpu/pN
# into the fake device's repo copy, empties a fresh OUT, and runs scripts/gpu-device-run.sh with --dry-run
# (--device cpu, synthetic:tiny). Then a warm rerun of `go`, and checks on what would come back (<= 8 files,
# <= 16 MiB each, <= 2 folders deep, plain names) and on each call's size (< 64 MiB).
#   scripts/gpu-device-sim.sh [ok|given-back|corrupt]
#     ok          the plan as printed (default)
#     given-back  the machine is given back after call 1 (staging lost): `go` must stop with exit 3
#     corrupt     one byte of the last part changes on the way: `stage` must refuse it and `go` stop with exit 3
# Environment: IE_SIM_DIR (the fake device, /tmp/ie-device-sim, wiped first), IE_SIM_OUT (/tmp/ie-device-sim-out).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scenario="${1:-ok}"
case "$scenario" in ok|given-back|corrupt) ;; *) echo "usage: scripts/gpu-device-sim.sh [ok|given-back|corrupt]" >&2; exit 2 ;; esac
[[ -f "$root/.gpu/MANIFEST" ]] || { echo "error: no .gpu/MANIFEST; run scripts/gpu-bundle.sh first" >&2; exit 1; }
dev="${IE_SIM_DIR:-/tmp/ie-device-sim}"
outs="${IE_SIM_OUT:-/tmp/ie-device-sim-out}"
rm -rf "$dev" "$outs"; mkdir -p "$dev/repo" "$outs"
export IE_STAGE_DIR="$dev/root/ie-stage" IE_GPU_DIR="$dev/root/ie-gpu" IE_DEVICE_WORK="$dev/root/ie-work"
n=$(awk '$1 == "parts" { print $2 }' "$root/.gpu/MANIFEST")
tree_list() { (cd "$root" && git ls-files -z -co --exclude-standard); }

# One device call: $1 = call name, $2 = carried path or "", rest = the command's arguments.
call() {
  local name="$1" carry="$2" bytes rc=0 t0=$SECONDS
  shift 2
  bytes=$( (cd "$root" && { tree_list | xargs -0 -r stat -c %s -- 2>/dev/null || true; [[ -z "$carry" ]] || find "$carry" -type f -printf '%s\n'; }) | awk '{s += $1} END {print s + 0}')
  (( bytes < 64 * 1048576 )) || { echo "error: $name would send $bytes bytes, over 64 MiB" >&2; exit 1; }
  tree_list | (cd "$root" && tar --null -T - -cf -) | tar -C "$dev/repo" -xf -
  if [[ -n "$carry" ]]; then
    (cd "$root" && tar -cf - "$carry") | tar -C "$dev/repo" -xf -
    if [[ "$scenario" == corrupt && "$carry" == ".gpu/p$n" ]]; then   # flip one byte in the middle of the part
      local f; f=$(ls "$dev/repo/$carry"/*.part*)
      printf '\xff' | dd of="$f" bs=1 seek=$(( $(stat -c %s "$f") / 2 )) conv=notrunc status=none
    fi
  fi
  export OUT="$outs/$name"; rm -rf "$OUT"; mkdir -p "$OUT"
  echo "=== $name: carry [${carry:+\"$carry\"}] ($((bytes / 1048576)) MiB sent), command: bash scripts/gpu-device-run.sh $*"
  (cd "$dev/repo" && bash scripts/gpu-device-run.sh "$@") || rc=$?
  echo "=== $name: exit $rc in $((SECONDS - t0)) s; back from OUT: $(cd "$OUT" && find . -type f -printf '%P (%s bytes) ' )"
  check_out "$OUT"
  return "$rc"
}

check_out() {
  local files big deep odd
  files=$(find "$1" -type f | wc -l)
  big=$(find "$1" -type f -size +16M | wc -l)
  deep=$(find "$1" -mindepth 4 | wc -l)
  odd=$(find "$1" -mindepth 1 -printf '%P\n' | grep -c '[^A-Za-z0-9._/-]' || true)
  (( files <= 8 && big == 0 && deep == 0 && odd == 0 )) || { echo "error: OUT breaks the tool's limits: $files files, $big over 16 MiB, $deep too deep, $odd odd names" >&2; exit 1; }
}

t_all=$SECONDS
for ((i = 1; i <= n; i++)); do
  if (( i < n )); then
    call "call$i" ".gpu/p$i" stage --dry-run
    if [[ "$scenario" == given-back && $i == 1 ]]; then echo "--- machine given back: $dev/root is gone"; rm -rf "$dev/root"; fi
  else
    rc=0; call "call$i" ".gpu/p$i" go --dry-run || rc=$?
    if [[ "$scenario" != ok ]]; then
      (( rc == 3 )) || { echo "FAIL: scenario $scenario: go exited $rc, expected 3" >&2; exit 1; }
      echo "PASS: scenario $scenario: go stopped with exit 3 as it should"; exit 0
    fi
    (( rc == 0 )) || { echo "FAIL: go exited $rc" >&2; exit 1; }
  fi
done
for f in hw.json result.json report.md device-run.log; do
  [[ -s "$outs/call$n/$f" ]] || { echo "FAIL: $f did not come back from the go call" >&2; exit 1; }
done
call rerun "" go --dry-run
grep -q 'already unpacked' "$outs/rerun/device-run.log" || { echo "FAIL: the warm rerun unpacked again" >&2; exit 1; }
[[ -s "$outs/rerun/result.json" ]] || { echo "FAIL: the rerun brought no result.json back" >&2; exit 1; }
echo "PASS: $n calls + a warm rerun in $((SECONDS - t_all)) s; files back in $outs/call$n and $outs/rerun"

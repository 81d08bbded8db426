#!/usr/bin/env bash
# Packs the self-contained GPU publish for a GPU box without the SDK or a network (docs/gpu.md, "bundle, copy, run").
# Transfers to such boxes are often size-limited and the publish is ~430 MB, so this script:
#   1. publishes the GPU variant to .publish/gpu and checks that the GPU libonnxruntime.so won (scripts/gpu-publish.sh);
#   2. packs what a Linux run needs (no Windows natives, no .pdb/.xml, no TensorRT provider) as one compressed tar;
#   3. splits it into parts in separate git-ignored folders .gpu/p1, .gpu/p2 ... (one part per call), each holding a
#      copy of .gpu/MANIFEST (format, sha256 and size of the archive and of every part);
#   4. prints the steps to run on the GPU box.
#   scripts/gpu-bundle.sh [--no-publish]        --no-publish: pack the existing .publish/gpu as it is
# Environment (optional): IE_BUNDLE_FORMAT (xz | zst; default xz: the device image has xz/python's lzma, zstd is
#   not known to be there), IE_BUNDLE_PART_MIB (part size; default: 60, less when the tree that travels is large).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=gpu-publish.sh
source "$root/scripts/gpu-publish.sh"
pub="$root/.publish/gpu"
bundle="$root/.gpu"
format="${IE_BUNDLE_FORMAT:-xz}"
publish=1
for a in "$@"; do
  case "$a" in
    --no-publish) publish=0 ;;
    *) echo "error: unknown option '$a'; usage: scripts/gpu-bundle.sh [--no-publish]" >&2; exit 2 ;;
  esac
done
git -C "$root" check-ignore -q .gpu/p1 || { echo "error: .gpu/ is not git-ignored in $root; add '.gpu/' to .gitignore (parts are build outputs, never committed)" >&2; exit 1; }

case "$format" in
  xz) command -v xz >/dev/null || { echo "error: xz is not installed; apt-get install -y xz-utils" >&2; exit 1; }
      compress=(xz -9 -T0 -c); ext=tar.xz ;;
  zst) command -v zstd >/dev/null || { echo "error: zstd is not installed; apt-get install -y zstd" >&2; exit 1; }
      compress=(zstd -19 --long=27 -T0 -q -c); ext=tar.zst ;;
  *) echo "error: IE_BUNDLE_FORMAT must be xz or zst, not '$format'" >&2; exit 2 ;;
esac

# 1. The publish.
if (( publish )); then
  rm -rf "$pub"
  ie_gpu_publish "$pub" || exit 1
else
  ie_gpu_check "$pub" || exit 1
fi

# 2. What a Linux run needs: the publish less Windows native DLLs (ORT's packages ship both), debug symbols,
#    XML docs, and the TensorRT provider (loaded only when the TensorRT EP is asked for, which this project never does).
t0=$SECONDS
files=()
while IFS= read -r f; do
  case "$f" in
    onnxruntime*.dll|*.pdb|*.xml|libonnxruntime_providers_tensorrt.so) continue ;;
  esac
  files+=("$f")
done < <(cd "$pub" && find . -type f -printf '%P\n' | LC_ALL=C sort)
[[ -x "$pub/ie" ]] || { echo "error: $pub/ie is missing" >&2; exit 1; }
raw=0
for f in "${files[@]}"; do raw=$((raw + $(stat -c %s "$pub/$f"))); done
rm -rf "$bundle"/p[0-9]* "$bundle/MANIFEST" "$bundle"/ie-gpu.tar.*
mkdir -p "$bundle"
archive="$bundle/ie-gpu.$ext"
echo "packing ${#files[@]} files ($((raw / 1048576)) MiB) with ${compress[*]} ..." >&2
tar -C "$pub" --owner=0 --group=0 --numeric-owner -cf - "${files[@]}" | "${compress[@]}" > "$archive"
size=$(stat -c %s "$archive")
sha=$(sha256sum "$archive" | cut -d' ' -f1)
echo "archive: $size bytes ($((size / 1048576)) MiB) in $((SECONDS - t0)) s" >&2

# 3. Parts. Each call carries one part plus the tree that always travels (tracked and untracked-not-ignored
#    files, and shared/ if the checkout has one); together under 64 MiB with 1 MiB to spare.
tree_sizes() {
  cd "$root" || return
  git ls-files -z -co --exclude-standard | xargs -0 -r stat -c %s -- 2>/dev/null || true
  if [[ -d shared ]]; then find shared -type f -printf '%s\n'; fi
}
tree=$(tree_sizes | awk '{s += $1} END {print s + 0}')
part_mib="${IE_BUNDLE_PART_MIB:-$(( (63 * 1048576 - tree) / 1048576 ))}"
if [[ -z "${IE_BUNDLE_PART_MIB:-}" ]] && (( part_mib > 60 )); then part_mib=60; fi
if (( part_mib < 8 )); then
  echo "error: the tree that travels is $((tree / 1048576)) MiB; too little room left for parts under 64 MiB" >&2; exit 1
fi
split -b "${part_mib}M" -d -a 2 "$archive" "$bundle/piece."
pieces=("$bundle"/piece.*)
n=${#pieces[@]}
{
  echo "# InferenceEconomics GPU bundle, made by scripts/gpu-bundle.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); read by scripts/gpu-device-run.sh"
  echo "format $format"
  echo "archive ie-gpu.$ext $size $sha"
  echo "parts $n"
  i=0
  for p in "${pieces[@]}"; do
    i=$((i + 1))
    echo "part $i ie-gpu.$ext.part$i $(stat -c %s "$p") $(sha256sum "$p" | cut -d' ' -f1)"
  done
} > "$bundle/MANIFEST"
i=0
for p in "${pieces[@]}"; do
  i=$((i + 1))
  mkdir -p "$bundle/p$i"
  mv "$p" "$bundle/p$i/ie-gpu.$ext.part$i"
  cp "$bundle/MANIFEST" "$bundle/p$i/MANIFEST"
done
rm -f "$archive"

# 4. The plan.
cat "$bundle/MANIFEST"
echo
echo "checkout: $((tree / 1024)) KiB; parts of at most $part_mib MiB"
echo "on the GPU box (docs/gpu.md): copy the checkout and .gpu/p1 .. .gpu/p$n into its .gpu/ (a part at a time is fine),"
echo "then from the checkout:"
echo "  bash scripts/gpu-device-run.sh stage     # after each part arrives: checks it, prints what is still missing"
echo "  bash scripts/gpu-device-run.sh go        # joins, checks, unpacks, measures; results in \$OUT (default ./gpu-out)"

#!/usr/bin/env bash
# InferenceEconomics entry point (Linux/macOS). Builds in Release when sources changed, then runs the CLI.
#   ./run.sh [command] [options]   run a command (no command = measure the default model)
#   ./run.sh test [dotnet test args] build and run the whole test suite
# A GPU build (ONNX Runtime with the CUDA EP) is made only when --device cuda is asked for.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export IE_ROOT="$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is not installed; install it (https://dotnet.microsoft.com/download, package dotnet-sdk-10.0) and rerun" >&2
  exit 127
fi

if [[ "${1:-}" == "test" ]]; then
  shift
  exec dotnet test "$root/InferenceEconomics.sln" -c Release --nologo "$@"
fi

# The GPU variant (ONNX Runtime with the CUDA EP, a large one-time restore) only for --device cuda[:N].
variant=cpu
prev=""
for a in "$@"; do
  dev=""
  if [[ "$prev" == "--device" ]]; then dev="$a"; fi
  if [[ "$a" == --device=* ]]; then dev="${a#--device=}"; fi
  if [[ "$dev" =~ ^cuda(:[0-9]+)?$ ]]; then variant=gpu; fi
  prev="$a"
done

out="$root/.build/$variant"
stamp="$out/.stamp"
props=()
[[ "$variant" == gpu ]] && props+=("-p:IeGpu=true")
# Rebuild when any source, project or embedded data file is newer than the last build.
if [[ ! -f "$stamp" ]] || [[ -n "$(find "$root/src" "$root/Directory.Build.props" \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' -o -name '*.props' \) -newer "$stamp" -not -path '*/obj/*' -not -path '*/bin/*' 2>/dev/null | head -n 1)" ]]; then
  echo "building ($variant, Release)..." >&2
  if ! dotnet build "$root/src/InferenceEconomics.Cli/InferenceEconomics.Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly \
       "${props[@]}" -p:OutDir="$out/" >"$root/.build-$variant.log" 2>&1; then
    cat "$root/.build-$variant.log" >&2
    echo "error: build failed (log above, also in .build-$variant.log)" >&2
    exit 1
  fi
  touch "$stamp"
fi
exec dotnet "$out/ie.dll" "$@"

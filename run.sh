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
  # What the tests need beyond the SDK, got the way a user gets it (run.ps1 test does the same):
  # PowerShell 7 as the pinned local tool (.config/dotnet-tools.json) for the run.ps1 tests, and a
  # headless Chromium for the HTML report test. A test whose need is still missing skips with the reason.
  if ! (cd "$root" && dotnet tool restore >/dev/null 2>&1); then
    echo "warning: dotnet tool restore failed: PowerShell (pwsh) is not available to the tests, the run.ps1 tests will be skipped" >&2
  fi
  if [[ -z "${IE_CHROMIUM:-}" ]]; then
    browser=""
    for b in chromium chromium-browser google-chrome google-chrome-stable chrome msedge microsoft-edge; do
      if p=$(command -v "$b" 2>/dev/null) && [[ -x "$p" ]]; then browser="$p"; break; fi
    done
    for b in /usr/bin/chromium /usr/bin/chromium-browser /snap/bin/chromium /opt/google/chrome/chrome \
             "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" /Applications/Chromium.app/Contents/MacOS/Chromium; do
      if [[ -z "$browser" && -x "$b" ]]; then browser="$b"; fi
    done
    if [[ -z "$browser" ]]; then
      if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing headless Chromium for the HTML report test (apt-get install -y chromium)..." >&2
        if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq \
               && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium; } >"$root/.build-chromium.log" 2>&1; then
          echo "warning: could not install chromium (log: .build-chromium.log); the HTML report test will be skipped" >&2
        fi
      else
        if command -v apt-get >/dev/null 2>&1; then how="sudo apt-get install -y chromium"
        elif command -v dnf >/dev/null 2>&1; then how="sudo dnf install -y chromium"
        elif command -v brew >/dev/null 2>&1; then how="brew install --cask chromium"
        else how="install Chromium or Chrome with the system package manager"; fi
        echo "note: no headless Chromium found; the HTML report test will be skipped (install it: $how, or set IE_CHROMIUM)" >&2
      fi
    fi
  fi
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
# Help and hints name this script (run.ps1 says .\run.ps1).
IE_ENTRY=./run.sh exec dotnet "$out/ie.dll" "$@"

# InferenceEconomics entry point (Windows). Same behaviour as run.sh:
#   .\run.ps1 [command] [options]    run a command (no command = measure the default model)
#   .\run.ps1 test [dotnet test args] build and run the whole test suite
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$env:IE_ROOT = $root
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine('error: the .NET 10 SDK is not installed; install it (https://dotnet.microsoft.com/download, package dotnet-sdk-10.0) and rerun')
    exit 127
}

if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    $rest = @($args | Select-Object -Skip 1)
    & dotnet test (Join-Path $root 'InferenceEconomics.sln') -c Release --nologo @rest
    exit $LASTEXITCODE
}

# The GPU variant (ONNX Runtime with the CUDA EP, a large one-time restore) only for --device cuda[:N].
$variant = 'cpu'
for ($i = 0; $i -lt $args.Count; $i++) {
    $a = [string]$args[$i]
    $dev = ''
    if ($a -like '--device=*') { $dev = $a.Substring(9) }
    if ($a -eq '--device' -and $i + 1 -lt $args.Count) { $dev = [string]$args[$i + 1] }
    if ($dev -match '^cuda(:[0-9]+)?$') { $variant = 'gpu' }
}

$out = Join-Path $root ".build/$variant"
$stamp = Join-Path $out '.stamp'
$props = @()
if ($variant -eq 'gpu') { $props += '-p:IeGpu=true' }
# Rebuild when any source, project or embedded data file is newer than the last build.
$needBuild = -not (Test-Path $stamp)
if (-not $needBuild) {
    $stampTime = (Get-Item $stamp).LastWriteTimeUtc
    $newer = Get-ChildItem -Path (Join-Path $root 'src'), (Join-Path $root 'Directory.Build.props') -Recurse -File -Include *.cs, *.csproj, *.json, *.props |
        Where-Object { $_.FullName -notmatch '[\\/](obj|bin)[\\/]' -and $_.LastWriteTimeUtc -gt $stampTime } | Select-Object -First 1
    $needBuild = $null -ne $newer
}
if ($needBuild) {
    [Console]::Error.WriteLine("building ($variant, Release)...")
    $log = Join-Path $root ".build-$variant.log"
    & dotnet build (Join-Path $root 'src/InferenceEconomics.Cli/InferenceEconomics.Cli.csproj') -c Release --nologo -v quiet -clp:ErrorsOnly @props "-p:OutDir=$out/" *> $log
    if ($LASTEXITCODE -ne 0) {
        Get-Content $log | ForEach-Object { [Console]::Error.WriteLine($_) }
        [Console]::Error.WriteLine("error: build failed (log above, also in .build-$variant.log)")
        exit 1
    }
    New-Item -ItemType File -Force -Path $stamp | Out-Null
}
& dotnet (Join-Path $out 'ie.dll') @args
exit $LASTEXITCODE

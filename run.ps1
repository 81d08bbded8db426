# InferenceEconomics entry point (Windows; PowerShell 7 anywhere). Same behaviour as run.sh:
#   .\run.ps1 [command] [options]    run a command (no command = measure the default model)
#   .\run.ps1 test [dotnet test args] build and run the whole test suite
# Builds in Release when sources changed, then runs the CLI. A GPU build (ONNX Runtime with the
# CUDA EP) is made only when --device cuda is asked for. Exit codes are the CLI's, unchanged.
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$onWindows = $env:OS -eq 'Windows_NT'

# The variables set below are this run's only: a script shares its caller's environment, so the
# caller's values come back at the end.
$setVars = 'IE_ROOT', 'IE_ENTRY', 'DOTNET_CLI_TELEMETRY_OPTOUT', 'DOTNET_NOLOGO', 'DOTNET_SKIP_FIRST_TIME_EXPERIENCE'
$savedVars = @{}
foreach ($n in $setVars) { $savedVars[$n] = [Environment]::GetEnvironmentVariable($n) }
try {
$env:IE_ROOT = $root
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine('error: the .NET 10 SDK is not installed; install it (https://dotnet.microsoft.com/download, package dotnet-sdk-10.0) and rerun')
    exit 127
}

if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    $rest = @($args | Select-Object -Skip 1)
    # What the tests need beyond the SDK, got the way a user gets it (as run.sh test does): PowerShell 7
    # as the pinned local tool (.config/dotnet-tools.json), a headless Chromium, Chrome or Edge for the
    # HTML report test. A test whose need is still missing skips with the reason.
    Push-Location $root
    try { & dotnet tool restore *> $null; $restored = $LASTEXITCODE -eq 0 } catch { $restored = $false } finally { Pop-Location }
    if (-not $restored) {
        [Console]::Error.WriteLine('warning: dotnet tool restore failed: PowerShell (pwsh) is not available to the tests, the run.ps1 tests will be skipped')
    }
    if (-not $env:IE_CHROMIUM) {
        # A program: a file, and off Windows one with an execute bit.
        $isProgram = { param($p) (Test-Path -LiteralPath $p -PathType Leaf) -and ($onWindows -or (Get-Item -LiteralPath $p -Force).UnixMode -match 'x') }
        $names = 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome', 'msedge', 'microsoft-edge'
        $browser = $names | ForEach-Object { Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue } |
            Where-Object { & $isProgram $_.Source } | Select-Object -First 1
        if (-not $browser) {
            if ($onWindows) {
                $known = foreach ($base in $env:ProgramFiles, ${env:ProgramFiles(x86)}, $env:LOCALAPPDATA) {
                    if ($base) { Join-Path $base 'Google\Chrome\Application\chrome.exe'; Join-Path $base 'Microsoft\Edge\Application\msedge.exe'; Join-Path $base 'Chromium\Application\chrome.exe' }
                }
            } else {
                $known = '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/opt/google/chrome/chrome',
                    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'
            }
            $browser = $known | Where-Object { & $isProgram $_ } | Select-Object -First 1
        }
        if (-not $browser) {
            if ($onWindows) {
                [Console]::Error.WriteLine('note: no Chrome or Edge found; the HTML report test will be skipped (install Google Chrome or Microsoft Edge, or set IE_CHROMIUM to a Chromium-family browser)')
            } elseif ((Get-Command apt-get -ErrorAction SilentlyContinue) -and (& id -u) -eq '0') {
                [Console]::Error.WriteLine('installing headless Chromium for the HTML report test (apt-get install -y chromium)...')
                $aptLog = Join-Path $root '.build-chromium.log'
                & sh -c 'apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium' *> $aptLog
                if ($LASTEXITCODE -ne 0) {
                    [Console]::Error.WriteLine('warning: could not install chromium (log: .build-chromium.log); the HTML report test will be skipped')
                }
            } else {
                $how = if (Get-Command apt-get -ErrorAction SilentlyContinue) { 'sudo apt-get install -y chromium' }
                       elseif (Get-Command dnf -ErrorAction SilentlyContinue) { 'sudo dnf install -y chromium' }
                       elseif (Get-Command brew -ErrorAction SilentlyContinue) { 'brew install --cask chromium' }
                       else { 'install Chromium or Chrome with the system package manager' }
                [Console]::Error.WriteLine("note: no headless Chromium found; the HTML report test will be skipped (install it: $how, or set IE_CHROMIUM)")
            }
        }
    }
    & dotnet test (Join-Path $root 'InferenceEconomics.sln') -c Release --nologo @rest
    exit $LASTEXITCODE
}

# The GPU variant (ONNX Runtime with the CUDA EP, a large one-time restore) only for --device cuda[:N].
$variant = 'cpu'
for ($i = 0; $i -lt $args.Count; $i++) {
    $a = [string]$args[$i]
    $dev = ''
    if ($a -like '--device=*') { $dev = $a.Substring(9) }
    if ($i -gt 0 -and [string]$args[$i - 1] -eq '--device') { $dev = $a }
    if ($dev -match '^cuda(:[0-9]+)?$') { $variant = 'gpu' }
}

$out = Join-Path $root ".build/$variant"
$stamp = Join-Path $out '.stamp'
$props = @()
if ($variant -eq 'gpu') { $props += '-p:IeGpu=true' }
# Rebuild when any source, project or embedded data file is newer than the last build.
# The stamp is a dot-file: hidden to PowerShell, so every look at it needs -Force.
$needBuild = -not (Test-Path -LiteralPath $stamp)
if (-not $needBuild) {
    $stampTime = (Get-Item -LiteralPath $stamp -Force).LastWriteTimeUtc
    $newer = Get-ChildItem -Path (Join-Path $root 'src'), (Join-Path $root 'Directory.Build.props') -Recurse -File -Include *.cs, *.csproj, *.json, *.props |
        Where-Object { $_.FullName -notmatch '[\\/](obj|bin)[\\/]' -and $_.LastWriteTimeUtc -gt $stampTime } | Select-Object -First 1
    $needBuild = $null -ne $newer
}
if ($needBuild) {
    [Console]::Error.WriteLine("building ($variant, Release)...")
    $log = Join-Path $root ".build-$variant.log"
    & dotnet build (Join-Path $root 'src/InferenceEconomics.Cli/InferenceEconomics.Cli.csproj') -c Release --nologo -v quiet -clp:ErrorsOnly @props "-p:OutDir=$out/" *> $log
    if ($LASTEXITCODE -ne 0) {
        Get-Content -LiteralPath $log | ForEach-Object { [Console]::Error.WriteLine($_) }
        [Console]::Error.WriteLine("error: build failed (log above, also in .build-$variant.log)")
        exit 1
    }
    New-Item -ItemType File -Force -Path $stamp | Out-Null
    (Get-Item -LiteralPath $stamp -Force).LastWriteTimeUtc = [DateTime]::UtcNow
}
# Help and hints name this script, not run.sh.
$env:IE_ENTRY = if ($onWindows) { '.\run.ps1' } else { './run.ps1' }
& dotnet (Join-Path $out 'ie.dll') @args
exit $LASTEXITCODE
}
finally {
    foreach ($n in $setVars) { [Environment]::SetEnvironmentVariable($n, $savedVars[$n]) }
}

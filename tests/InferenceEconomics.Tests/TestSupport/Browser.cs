namespace InferenceEconomics.Tests.TestSupport;

/// <summary>
/// Finds a Chromium-family browser for the HTML report test: IE_CHROMIUM when set (and then only
/// that), else chromium/chrome/edge on PATH, else the usual install folders of Linux, macOS and
/// Windows. The scripts' test command (run.sh / run.ps1 test) installs or looks for the same.
/// </summary>
public static class Browser
{
    public const string EnvVar = "IE_CHROMIUM";

    public sealed record Found(string? Path, string Reason);

    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge", "microsoft-edge"];

    private static readonly Lazy<Found> Cached = new(() => Find(Environment.GetEnvironmentVariable(EnvVar), Environment.GetEnvironmentVariable("PATH"), KnownLocations()));

    public static Found Find() => Cached.Value;

    /// <summary>The search itself, on given inputs (so the missing case can be tested on any machine).</summary>
    public static Found Find(string? overridePath, string? pathVariable, IEnumerable<string> knownLocations)
    {
        if (!string.IsNullOrWhiteSpace(overridePath))
            return IsProgram(overridePath)
                ? new Found(overridePath, $"{EnvVar}={overridePath}")
                : new Found(null, $"{EnvVar}={overridePath} is not a program; point it at a Chromium, Chrome or Edge executable, or unset it to search PATH");
        string[] exts = OperatingSystem.IsWindows() ? [".exe"] : [""];
        foreach (var dir in (pathVariable ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in Names)
                foreach (var ext in exts)
                {
                    var candidate = System.IO.Path.Combine(dir, name + ext);
                    if (IsProgram(candidate)) return new Found(candidate, "found on PATH");
                }
        foreach (var candidate in knownLocations)
            if (IsProgram(candidate)) return new Found(candidate, "found in its install folder");
        return new Found(null, MissingReason);
    }

    /// <summary>A file that can be run: on Linux and macOS one with an execute bit.</summary>
    private static bool IsProgram(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    public static string MissingReason =>
        "no headless Chromium, Chrome or Edge found (IE_CHROMIUM, PATH, usual install folders): "
        + (OperatingSystem.IsWindows() ? "install Chrome or Edge" : "install one, e.g. apt-get install -y chromium (./run.sh test does it when run as root)")
        + ", or set IE_CHROMIUM to its executable";

    private static IEnumerable<string> KnownLocations()
    {
        if (OperatingSystem.IsWindows())
        {
            foreach (var root in new[] { "ProgramFiles", "ProgramFiles(x86)", "LocalAppData" }.Select(Environment.GetEnvironmentVariable).Where(r => !string.IsNullOrEmpty(r)))
            {
                yield return System.IO.Path.Combine(root!, "Google", "Chrome", "Application", "chrome.exe");
                yield return System.IO.Path.Combine(root!, "Microsoft", "Edge", "Application", "msedge.exe");
                yield return System.IO.Path.Combine(root!, "Chromium", "Application", "chrome.exe");
            }
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
            yield return "/Applications/Chromium.app/Contents/MacOS/Chromium";
            yield return "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge";
        }
        else
        {
            yield return "/usr/bin/chromium";
            yield return "/usr/bin/chromium-browser";
            yield return "/snap/bin/chromium";
            yield return "/opt/google/chrome/chrome";
        }
    }
}

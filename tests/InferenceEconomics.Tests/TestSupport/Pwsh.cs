using System.Diagnostics;

namespace InferenceEconomics.Tests.TestSupport;

/// <summary>
/// PowerShell 7 for the tests that run run.ps1: the pinned local tool (.config/dotnet-tools.json,
/// restored by `./run.sh test` and `.\run.ps1 test`) run as `dotnet tool run pwsh`, else a pwsh on PATH.
/// </summary>
public static class Pwsh
{
    private static readonly Lazy<string[]?> Probe = new(FindCommand);

    /// <summary>The command line prefix that starts pwsh (file, then arguments); null where none starts.</summary>
    public static string[]? Command => Probe.Value;

    /// <summary>bash on PATH (run.sh's interpreter); null where there is none.</summary>
    public static string? Bash { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "bash.exe" : "bash")).FirstOrDefault(File.Exists);

    public const string MissingReason =
        "PowerShell 7 (pwsh) cannot be started: run `dotnet tool restore` in the repository (./run.sh test does it) to get the pinned one, or put pwsh on PATH";

    private static string[]? FindCommand()
    {
        foreach (var candidate in new[] { new[] { "dotnet", "tool", "run", "pwsh", "--" }, ["pwsh"] })
        {
            try
            {
                var r = ChildProcess.Run(candidate[0], [.. candidate[1..], "-NoProfile", "-NonInteractive", "-Command", "exit 0"], Repo.Root, timeout: TimeSpan.FromSeconds(60));
                if (r.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception) { } // not on PATH
        }
        return null;
    }
}

/// <summary>Runs a program to its end and captures both streams.</summary>
public static class ChildProcess
{
    public sealed record Outcome(int ExitCode, string Out, string Err)
    {
        public string FirstErrLine => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
    }

    public static Outcome Run(string file, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {limit.TotalSeconds:0} s");
        }
        p.WaitForExit();
        return new Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }
}

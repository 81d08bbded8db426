using System.Diagnostics;

namespace InferenceEconomics.Tests.TestSupport;

/// <summary>
/// Runs the real CLI (ie.dll beside the tests) in a child process: for what an in-process run cannot show
/// (native libraries writing to the process's stderr) or cannot do (running with fewer privileges).
/// </summary>
public static class ChildCli
{
    public static string IeDll => Path.Combine(AppContext.BaseDirectory, "ie.dll");

    /// <param name="prefix">A command that runs the CLI (setpriv ... ), or empty.</param>
    public static CliRunner.Outcome Run(string root, IReadOnlyList<string> prefix, params string[] args)
    {
        var argv = prefix.Concat(["dotnet", IeDll]).Concat(args).ToList();
        var psi = new ProcessStartInfo(argv[0], argv.Skip(1))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        psi.Environment["IE_ROOT"] = root;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"ie {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new CliRunner.Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static CliRunner.Outcome Run(string root, params string[] args) => Run(root, [], args);
}

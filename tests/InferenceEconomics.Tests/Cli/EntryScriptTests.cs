using InferenceEconomics.Cli;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Cli;

/// <summary>
/// run.sh and run.ps1 are the README's two entry points. Both are run for real, as child processes,
/// on the same inputs: their exit codes and first error lines must be the same (the name of the
/// script aside, which help and hints give as the one the user ran).
/// </summary>
public sealed class EntryScriptTests
{
    private static readonly string PsEntry = OperatingSystem.IsWindows() ? @".\run.ps1" : "./run.ps1";

    [PwshFact(withBash: true)]
    public void Run_sh_and_run_ps1_exit_alike_with_the_same_error_line_on_bad_input()
    {
        using var tmp = new TempDir();
        // Expected codes: README.md's exit code table (usage 2, model not found 3, unknown preset 6, result missing 11).
        var cases = new (string[] Args, int Code, string Says)[]
        {
            (["--no-such-option"], 2, "unknown option --no-such-option"),
            (["--model", tmp.Combine("no-such-model")], 3, "does not exist"),
            (["--batch", "0"], 2, "--batch 0"),
            (["--model", "synthetic:nope"], 6, "unknown synthetic preset 'nope'"),
            (["compare", tmp.Combine("old"), tmp.Combine("new")], 11, "no result at"),
        };
        // Alone first: this call builds .build/cpu if a source changed since the last build, so the
        // calls below (two at a time) only ever run the CLI, never a build of their own.
        var first = Sh("--version");
        Assert.True(first.ExitCode == 0, $"./run.sh --version exited {first.ExitCode}: {first.Err}");

        var results = cases.AsParallel().WithDegreeOfParallelism(2).Select(c => (c, sh: Sh(c.Args), ps: Ps1(c.Args))).ToList();
        foreach (var (c, sh, ps) in results)
        {
            string what = string.Join(' ', c.Args);
            Assert.True(c.Code == sh.ExitCode, $"./run.sh {what}: exit {sh.ExitCode}, expected {c.Code}; stderr: {sh.Err}");
            Assert.True(c.Code == ps.ExitCode, $"run.ps1 {what}: exit {ps.ExitCode}, expected {c.Code}; stderr: {ps.Err}");
            Assert.StartsWith("error: ", sh.FirstErrLine);
            Assert.Contains(c.Says, sh.FirstErrLine);
            Assert.Equal(EntryPoint.Localize(sh.FirstErrLine, PsEntry), ps.FirstErrLine);
        }
        // The preset error's hint names the script that ran.
        Assert.Contains("(./run.sh models list)", results[3].sh.FirstErrLine);
        Assert.Contains($"({PsEntry} models list)", results[3].ps.FirstErrLine);
    }

    [PwshFact(withBash: true)]
    public void Help_from_run_ps1_names_run_ps1_and_the_test_command()
    {
        Assert.Equal(0, Sh("--version").ExitCode); // builds alone if needed
        var help = Ps1("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains($"Usage: {PsEntry} [command] [options]", help.Out);
        Assert.Contains($"{PsEntry} test runs the test suite", help.Out);
        Assert.DoesNotContain("./run.sh", help.Out);
        Assert.Equal("", help.Err); // no rebuild, no warning
    }

    [PwshFact(withBash: true, unix: true)]
    public void Without_the_dotnet_sdk_both_scripts_exit_127_with_one_line()
    {
        using var tmp = new TempDir();
        // A PATH with what run.sh needs before its SDK check (dirname) and no dotnet.
        var bin = Directory.CreateDirectory(tmp.Combine("bin")).FullName;
        var dirname = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "dirname")).First(File.Exists);
        File.CreateSymbolicLink(Path.Combine(bin, "dirname"), dirname);

        var sh = ChildProcess.Run(Pwsh.Bash!, [Path.Combine(Repo.Root, "run.sh"), "--version"], Repo.Root, new Dictionary<string, string?> { ["PATH"] = bin });
        var cmd = Pwsh.Command!;
        var ps = ChildProcess.Run(cmd[0], [.. cmd[1..], "-NoProfile", "-NonInteractive", "-Command",
            $"$env:PATH = '{bin}'; & '{Path.Combine(Repo.Root, "run.ps1")}' --version; exit $LASTEXITCODE"], Repo.Root);

        Assert.Equal(127, sh.ExitCode);
        Assert.Equal(127, ps.ExitCode);
        Assert.StartsWith("error: the .NET 10 SDK is not installed", sh.FirstErrLine);
        Assert.Equal(sh.Err.Trim(), ps.Err.Trim()); // one and the same line
        Assert.Single(sh.Err.Trim().Split('\n'));
    }

    private static readonly Dictionary<string, string?> ChildEnv = new() { [EntryPoint.EnvironmentVariable] = null };

    private static ChildProcess.Outcome Sh(params string[] args) =>
        ChildProcess.Run(Pwsh.Bash!, [Path.Combine(Repo.Root, "run.sh"), .. args], Repo.Root, ChildEnv, TimeSpan.FromMinutes(8));

    private static ChildProcess.Outcome Ps1(params string[] args)
    {
        var cmd = Pwsh.Command!;
        return ChildProcess.Run(cmd[0], [.. cmd[1..], "-NoProfile", "-NonInteractive", "-File", Path.Combine(Repo.Root, "run.ps1"), .. args], Repo.Root, ChildEnv, TimeSpan.FromMinutes(8));
    }
}

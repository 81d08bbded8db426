using System.Diagnostics;
using System.Text.Json;
using InferenceEconomics.Results;
using InferenceEconomics.Tests.TestSupport;
using Xunit.Abstractions;
using TestRuns = InferenceEconomics.Tests.Reporting.TestRuns;

namespace InferenceEconomics.Tests.Cli;

/// <summary>
/// Real child processes signalled: SIGTERM stops a sweep like Ctrl-C; kill -9 during frequent rewrites never
/// leaves an invalid result.json, and the next write into the folder removes the temp files it left.
/// A "running" run whose process is gone reads as abandoned.
/// </summary>
public class SignalTests(ITestOutputHelper output)
{
    /// <summary>A sweep of many short scenarios on the synthetic tiny model: result.json is rewritten after each one.</summary>
    private static Process StartSweep(string results, int scenarios, double timeBudget, int minReps = 1, int maxReps = 2)
    {
        // Batches stay within GenAI's limit (32): a scenario past it fails at once, and a sweep of instant
        // failures ends before the kill it is meant to receive. Scenarios = batches x prompt lengths.
        int b = Math.Min(scenarios, 20), p = scenarios / b;
        Assert.Equal(scenarios, b * p);
        var batches = string.Join(',', Enumerable.Range(1, b));
        var prompts = string.Join(',', Enumerable.Range(0, p).Select(i => 8 + i));
        var psi = new ProcessStartInfo("dotnet", [ChildCli.IeDll, "run", "--model", "synthetic:tiny", "--batch", batches, "--prompt-tokens", prompts,
            "--gen-tokens", "2", "--warmup", "0", "--min-reps", minReps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-reps", maxReps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--time-budget", timeBudget.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--results", results, "--no-store", "--no-idle", "--no-telemetry", "--quiet"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root,
        };
        psi.Environment["IE_ROOT"] = Repo.Root;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(psi)!;
    }

    private static void Signal(int pid, string signal)
    {
        using var k = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        k.WaitForExit();
    }

    private static string? ResultFile(string results) =>
        Directory.Exists(results) ? Directory.GetDirectories(results).Select(d => Path.Combine(d, ResultStore.ResultFileName)).FirstOrDefault(File.Exists) : null;

    private static int OkScenarios(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.GetProperty("scenarios").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "ok");
        }
        catch (JsonException) { return 0; }
        catch (IOException) { return 0; }
    }

    [LinuxFact("POSIX signals")]
    public async Task Sigterm_on_a_sweep_keeps_finished_scenarios_writes_reports_and_exits_143()
    {
        using var tmp = new TempDir();
        var results = tmp.Combine("results");
        // Each scenario runs a fixed 200 repetitions (seconds each), so the signal lands mid-sweep on any machine.
        using var p = StartSweep(results, scenarios: 6, timeBudget: 60, minReps: 200, maxReps: 200);
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!(ResultFile(results) is { } f && OkScenarios(f) >= 1) && !p.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.False(p.HasExited, "the sweep ended before it could be signalled: " + (p.HasExited ? await stderr : ""));
        Signal(p.Id, "TERM");
        Assert.True(p.WaitForExit(120_000));
        Assert.Equal(143, p.ExitCode);
        var folder = Path.GetDirectoryName(ResultFile(results))!;
        var r = ResultStore.Load(folder);
        Assert.Equal(RunStatus.Interrupted, r.Status);
        Assert.True(r.Scenarios.Count(s => s.Status == ScenarioStatus.Ok) >= 1);
        Assert.Equal(6, r.Scenarios.Count); // the ones not reached are listed as not run
        foreach (var report in new[] { "report.md", "report.html", "scenarios.csv" }) Assert.True(File.Exists(Path.Combine(folder, report)), report);
        var err = await stderr;
        var outText = await stdout;
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        output.WriteLine($"SIGTERM: exit {p.ExitCode}, status {Words.Of(r.Status)}, {r.Scenarios.Count(s => s.Status == ScenarioStatus.Ok)} ok of {r.Scenarios.Count}; {outText.Split('\n').FirstOrDefault(l => l.StartsWith("interrupted", StringComparison.Ordinal))}");
    }

    [LinuxFact("POSIX signals")]
    public void Kill_9_at_random_moments_never_leaves_invalid_json_and_the_next_write_removes_its_temp_files()
    {
        using var tmp = new TempDir();
        var rng = new Random(11);
        int tries = 20, invalid = 0, withResult = 0, tempsAfterKill = 0, tempsAfterNext = 0;
        var folders = new List<string>();
        for (int i = 0; i < tries; i++)
        {
            var results = tmp.Combine($"try{i}");
            using var p = StartSweep(results, scenarios: 400, timeBudget: 0.05);
            // Wait for the first rewrite, then kill at a random moment within the next 1.5 s of rewrites.
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (ResultFile(results) is null && !p.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Thread.Sleep(rng.Next(0, 1500));
            Assert.False(p.HasExited, "the sweep finished before the kill; make it longer");
            p.Kill(); // SIGKILL
            p.WaitForExit();
            var file = ResultFile(results);
            if (file is null) continue;
            withResult++;
            var folder = Path.GetDirectoryName(file)!;
            folders.Add(folder);
            try { ResultStore.Load(folder); }
            catch (InferenceEconomicsException) { invalid++; }
            tempsAfterKill += Directory.GetFiles(folder, ".*.tmp").Length;
        }
        // The next command writing into each folder (report) comes once the temp files' writers are gone and past the minimum age.
        Thread.Sleep(AtomicFile.OrphanMinAge + TimeSpan.FromSeconds(1));
        foreach (var folder in folders)
        {
            var next = ChildCli.Run(Repo.Root, "report", folder);
            Assert.True(next.ExitCode == 0, next.Err);
            tempsAfterNext += Directory.GetFiles(folder, ".*.tmp").Length;
            Assert.Equal(RunStatus.Abandoned, ResultStore.Load(folder).Status); // "running", its process gone
        }
        output.WriteLine($"kill -9 loop: {tries} tries, {withResult} with a result.json, {invalid} invalid JSON, {tempsAfterKill} temp files right after the kills, {tempsAfterNext} after the next command");
        Assert.Equal(0, invalid);
        Assert.Equal(0, tempsAfterNext);
        Assert.True(withResult >= tries / 2, $"only {withResult} tries got as far as a result.json");
    }

    private static RunResult Running(RunProcess? process) => TestRuns.Build(batches: [1], prompts: [128]) with { Status = RunStatus.Running, FinishedUtc = null, Process = process };

    [Fact]
    public void A_running_run_whose_process_is_gone_reads_as_abandoned_and_says_so()
    {
        using var tmp = new TempDir();
        using var gone = Process.Start(new ProcessStartInfo("true"))!;
        gone.WaitForExit();
        var host = Environment.MachineName;
        var me = RunLiveness.Current();
        var cases = new (string Name, RunProcess? Process, RunStatus Seen)[]
        {
            ("dead", new RunProcess(gone.Id, host, DateTimeOffset.UtcNow), RunStatus.Abandoned),
            ("alive", me, RunStatus.Running),
            ("reused-pid", me with { StartedUtc = me.StartedUtc.AddMinutes(-30) }, RunStatus.Abandoned),
            ("other-host", new RunProcess(gone.Id, host + "-elsewhere", DateTimeOffset.UtcNow), RunStatus.Running),
            ("no-record", null, RunStatus.Running),
        };
        foreach (var c in cases)
        {
            var dir = tmp.Combine("results", c.Name);
            ResultStore.Save(Running(c.Process), dir);
            Assert.True(c.Seen == ResultStore.Load(dir).Status, c.Name);
            Assert.Contains("\"status\": \"running\"", File.ReadAllText(Path.Combine(dir, ResultStore.ResultFileName)), StringComparison.Ordinal); // the file itself is untouched
        }
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(0, InferenceEconomics.Cli.CliMain.Run(["history", "--results", tmp.Combine("results")], o, e, new ProjectPaths(tmp.Path)));
        Assert.Contains("abandoned", o.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, InferenceEconomics.Cli.CliMain.Run(["report", tmp.Combine("results", "dead")], o, e, new ProjectPaths(tmp.Path)));
        Assert.Contains("run abandoned", File.ReadAllText(tmp.Combine("results", "dead", "report.md")), StringComparison.Ordinal);
    }
}

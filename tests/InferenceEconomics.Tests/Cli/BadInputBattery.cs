using System.Diagnostics;
using System.Globalization;
using InferenceEconomics.Economics;
using InferenceEconomics.Results;
using InferenceEconomics.Tests.Economics;
using InferenceEconomics.Tests.TestSupport;
using Xunit.Abstractions;
using TestRuns = InferenceEconomics.Tests.Reporting.TestRuns;

using InferenceEconomics.Tests.Common;

namespace InferenceEconomics.Tests.Cli;

/// <summary>
/// The bad-input battery: hostile model folders, flags, result files, rate files, destructive targets, file
/// permissions and signals. Every case asserts its documented exit code (README "Exit codes"), exactly one line
/// on stderr, no stack trace; destructive cases also that nothing outside the target changed (tree + SHA-256
/// before and after). Permission cases run the CLI in a child process without root's override (setpriv).
/// <see cref="Table_by_class"/> prints the count and result per class.
/// </summary>
public class BadInputBattery(ITestOutputHelper output)
{
    /// <param name="Target">Destructive cases: the folder the command may write (relative to the root); everything else must stay as it was.</param>
    public sealed record Case(string Class, string Name, int Code, string[] Args, bool Destructive = false, bool Unprivileged = false, string? Target = null, string? Signal = null)
    {
        public override string ToString() => $"{Class}: {Name}";
    }

    private const string Good = "{root}/results/good";

    private static IEnumerable<Case> All()
    {
        // --- result files: every reader refuses a damaged document with 11 ---
        string[] damaged = ["nan", "inf", "neg-inf", "truncated", "empty", "array", "schema9", "wrongtype", "nofile", "nan-string-summary"];
        foreach (var d in damaged)
        {
            var p = "{root}/results/" + d;
            yield return new("result files", $"compare vs {d}", 11, ["compare", Good, p]);
            yield return new("result files", $"report {d}", 11, ["report", p]);
            yield return new("result files", $"cost {d}", 11, ["cost", p, "--price-per-hour", "2"]);
            yield return new("result files", $"frontier {d}", 11, ["frontier", p, "--price-per-hour", "2"]);
        }
        yield return new("result files", "compare a missing path", 11, ["compare", Good, "{root}/results/absent"]);

        // --- rate files: 8 for anything malformed or impossible ---
        foreach (var r in new[] { "malformed", "negative", "huge", "inf", "nan-string", "duplicate", "wrong-format", "version2", "empty-provider", "zero-long-context", "unknown-field", "missing" })
        {
            yield return new("rate files", $"cost --rates {r}", 8, ["cost", Good, "--price-per-hour", "2", "--rates", "{root}/rates/" + r + ".json"]);
            yield return new("rate files", $"rates list --rates {r}", 8, ["rates", "list", "--rates", "{root}/rates/" + r + ".json"]);
        }

        // --- flags: 2 for a bad value, before anything runs ---
        string[][] runFlags =
        [
            ["--batch", "0"], ["--batch", "abc"], ["--batch", "1,,8"], ["--batch", "-1"], ["--batch", "99999999999"], ["--prompt-tokens", "0"],
            ["--gen-tokens", "1"], ["--warmup", "-1"], ["--min-reps", "0"], ["--max-reps", "0"], ["--min-reps", "5", "--max-reps", "2"],
            ["--time-budget", "-1"], ["--time-budget", "NaN"], ["--time-budget", "1e999"], ["--ci-target", "500%"], ["--seed", "x"],
            ["--threads", "0"], ["--cooldown", "-1"], ["--max-scenarios", "0"], ["--batch", "1,2,3", "--max-scenarios", "2"],
            ["--sample-ms", "0"], ["--idle-seconds", "-1"], ["--engine", "foo"], ["--precision", "fp8"], ["--no-such-flag"], ["--batch"],
            ["--gpus", "0"], ["--pue", "0.5", "--capex", "1000"],
        ];
        foreach (var f in runFlags)
            yield return new("flags", "run " + string.Join(' ', f), 2, ["run", "--results", "{root}/runs", .. f]);
        // A price given on the command line is a price: 8, like a price in a file (README "Exit codes").
        foreach (var f in new[] { new[] { "--price-per-hour", "-1" }, ["--price-per-hour", "1e999"], ["--kwh-price", "-1", "--capex", "1000"], ["--capex", "-5"] })
            yield return new("flags", "run " + string.Join(' ', f), 8, ["run", "--results", "{root}/runs", .. f]);
        string[][] costFlags =
        [
            ["--requests-per-day", "1e18"], ["--requests-per-day", "0"], ["--requests-per-day", "-5"], ["--requests-per-day", "Infinity"], ["--peak-to-mean", "0.5"],
            ["--peak-to-mean", "1e300"], ["--utilization", "1.5"], ["--utilization", "0"], ["--utilization", "0.5", "--requests-per-day", "10"], ["--input-tokens", "-1"],
            ["--output-tokens", "abc"], ["--cache-ttl", "2h"], ["--life-years", "0", "--capex", "1000"],
        ];
        foreach (var f in costFlags)
            yield return new("flags", "cost " + string.Join(' ', f), 2, ["cost", Good, "--price-per-hour", "2", .. f]);
        yield return new("flags", "compare --threshold 5 (500%)", 2, ["compare", Good, Good, "--threshold", "5"]);
        yield return new("flags", "compare --threshold abc", 2, ["compare", Good, Good, "--threshold", "abc"]);
        yield return new("flags", "compare with one run", 2, ["compare", Good]);
        yield return new("flags", "history --metric nope", 2, ["history", "--results", "{root}/results", "--metric", "nope"]);
        yield return new("flags", "unknown command", 2, ["frobnicate"]);
        yield return new("unknown names", "cost --gpu nope", 9, ["cost", Good, "--gpu", "nope-gpu"]);
        yield return new("unknown names", "cost --vs nope", 9, ["cost", Good, "--price-per-hour", "2", "--vs", "no-such-model"]);
        yield return new("unknown names", "cost --workload nope", 9, ["cost", Good, "--price-per-hour", "2", "--workload", "no-such-workload"]);
        yield return new("unknown names", "cost --scenario nope", 9, ["cost", Good, "--price-per-hour", "2", "--scenario", "b99-p1-g2"]);

        // --- model folders: caught before anything loads ---
        yield return new("model folders", "missing folder", 3, ["run", "--results", "{root}/runs", "--model", "{root}/models/absent"]);
        yield return new("model folders", "unknown alias", 3, ["run", "--results", "{root}/runs", "--model", "no-such-alias"]);
        yield return new("model folders", "unknown preset", 6, ["run", "--results", "{root}/runs", "--model", "synthetic:nope"]);
        yield return new("model folders", "folder without genai_config.json", 4, ["run", "--results", "{root}/runs", "--model", "{root}/models/empty"]);
        yield return new("model folders", "genai_config.json not JSON", 13, ["run", "--results", "{root}/runs", "--model", "{root}/models/notjson"]);
        yield return new("model folders", "genai_config.json an array", 4, ["run", "--results", "{root}/runs", "--model", "{root}/models/array"]);
        yield return new("model folders", "eos_token_id a string", 4, ["run", "--results", "{root}/runs", "--model", "{root}/models/eos-string"]);
        yield return new("model folders", "a file given as the model folder", 14, ["run", "--results", "{root}/runs", "--model", "{root}/rates/negative.json"]);

        // --- destructive targets: refused, nothing outside changed ---
        yield return new("destructive", "rates import --out /dev/full", 14, ["rates", "import", "litellm", "{root}/litellm.json", "--out", "/dev/full"], Destructive: true);
        yield return new("destructive", "rates import --out a link out of its folder", 14, ["rates", "import", "litellm", "{root}/litellm.json", "--out", "{root}/here/link-out.json"], Destructive: true);
        yield return new("destructive", "rates import --out a folder", 14, ["rates", "import", "litellm", "{root}/litellm.json", "--out", "{root}/here"], Destructive: true);
        yield return new("destructive", "rates import --out a FIFO", 14, ["rates", "import", "litellm", "{root}/litellm.json", "--out", "{root}/here/pipe"], Destructive: true);
        yield return new("destructive", "report with charts/ linked out of the run", 14, ["report", "{root}/results/charts-out"], Destructive: true, Target: "results/charts-out");
        yield return new("destructive", "models synth --force into a folder it did not make", 2, ["models", "synth", "tiny", "--layers", "1", "--out", "{root}/here", "--force"], Destructive: true);
        yield return new("destructive", "fleet k8s --out /dev/full", 14, ["fleet", "k8s", "--out", "/dev/full", "--models", "synthetic:tiny", "--image", "ie:latest"], Destructive: true);

        // --- signals on a running sweep: finished scenarios kept, reports written, the documented code ---
        // 200 repetitions per scenario (seconds each): the signal lands mid-sweep on a fast machine too.
        // POSIX signals: no such cases on Windows (they would pass without checking anything).
        foreach (var (sig, code) in OperatingSystem.IsWindows() ? [] : new[] { ("TERM", 143), ("HUP", 129), ("INT", 130) })
            yield return new("signals", $"SIG{sig} during a sweep", code, ["run", "--model", "synthetic:tiny", "--batch", "1,2,3,4,5,6", "--prompt-tokens", "8", "--gen-tokens", "2",
                "--warmup", "0", "--min-reps", "200", "--max-reps", "200", "--time-budget", "60", "--results", "{root}/signalled-" + sig, "--no-store", "--no-idle", "--no-telemetry", "--quiet"], Signal: sig);

        // --- permissions, as a normal user sees them ---
        yield return new("permissions", "report on an unreadable result.json", 14, ["report", "{root}/results/unreadable"], Unprivileged: true);
        yield return new("permissions", "cost with an unreadable rate file", 14, ["cost", Good, "--price-per-hour", "2", "--rates", "{root}/rates/unreadable.json"], Unprivileged: true);
        yield return new("permissions", "report into a read-only run folder", 14, ["report", "{root}/results/readonly"], Unprivileged: true);
    }

    public static TheoryData<Case> Cases
    {
        get
        {
            var data = new TheoryData<Case>();
            foreach (var c in All()) data.Add(c);
            return data;
        }
    }

    [Fact]
    public void The_battery_holds_at_least_100_cases_across_every_class()
    {
        var cases = All().ToList();
        Assert.True(cases.Count >= 100, $"{cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.ToString()).Distinct().Count());
        foreach (var cls in new[] { "result files", "rate files", "flags", "model folders", "destructive", "permissions", "signals" })
            Assert.Contains(cases, c => c.Class == cls);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_case_is_its_code_in_one_line_without_a_stack_trace(Case c)
    {
        if (c.Unprivileged && Unprivileged.Prefix is null) return; // PermissionFact's reason: see Table_by_class
        using var root = new TempDir();
        Build(root.Path);
        var failure = Check(c, root.Path);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void Table_by_class()
    {
        using var root = new TempDir();
        Build(root.Path);
        var rows = new List<(string Class, bool? Pass, string Name, string? Why)>();
        foreach (var c in All())
        {
            if (c.Unprivileged && Unprivileged.Prefix is null) { rows.Add((c.Class, null, c.Name, Unprivileged.WhyNot)); continue; }
            var failure = Check(c, root.Path);
            rows.Add((c.Class, failure is null, c.Name, failure));
        }
        var table = new System.Text.StringBuilder("| class | cases | pass | fail | skipped |\n|---|---:|---:|---:|---:|\n");
        foreach (var g in rows.GroupBy(r => r.Class))
            table.Append(CultureInfo.InvariantCulture, $"| {g.Key} | {g.Count()} | {g.Count(r => r.Pass == true)} | {g.Count(r => r.Pass == false)} | {g.Count(r => r.Pass is null)} |\n");
        table.Append(CultureInfo.InvariantCulture, $"| all | {rows.Count} | {rows.Count(r => r.Pass == true)} | {rows.Count(r => r.Pass == false)} | {rows.Count(r => r.Pass is null)} |\n");
        output.WriteLine(table.ToString());
        File.WriteAllText(Path.Combine(TestArtifacts.Dir, "bad-input-battery.md"), table.ToString());
        var failed = rows.Where(r => r.Pass == false).Select(r => $"{r.Class}: {r.Name}: {r.Why}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
    }

    /// <summary>Null when the case holds; else what went wrong.</summary>
    private static string? Check(Case c, string root)
    {
        var args = c.Args.Select(a => a.Replace("{root}", root, StringComparison.Ordinal)).ToArray();
        SortedDictionary<string, string>? Outside() =>
            c.Destructive ? new(SafeWriteTests.Snapshot(root).Where(e => c.Target is null || !(e.Key == c.Target || e.Key.StartsWith(c.Target + "/", StringComparison.Ordinal))).ToDictionary(), StringComparer.Ordinal) : null;
        var before = Outside();
        CliRunner.Outcome o;
        if (c.Signal is { } sig) return Signalled(c, args, sig);
        if (c.Unprivileged) o = ChildCli.Run(root, Unprivileged.Prefix!, args);
        else
        {
            var so = new StringWriter();
            var se = new StringWriter();
            o = new CliRunner.Outcome(InferenceEconomics.Cli.CliMain.Run(args, so, se, new ProjectPaths(root)), so.ToString(), se.ToString());
        }
        var lines = o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (o.ExitCode != c.Code) return $"exit {o.ExitCode}, expected {c.Code}: {o.Err.Trim()}";
        if (lines.Length != 1) return $"{lines.Length} lines on stderr: {o.Err.Trim()}";
        if ((o.Err + o.Out).Contains("   at ", StringComparison.Ordinal)) return "a stack trace";
        if (before is not null && !Outside()!.SequenceEqual(before)) return "the tree outside the target changed";
        if (c.Destructive && File.Exists("/dev/full") && AtomicFile.Kind("/dev/full") != AtomicFile.FileKind.CharDevice) return "/dev/full is no longer a device";
        return null;
    }

    /// <summary>Starts the sweep in a child process, signals it once a scenario is in result.json, checks code, line, status and reports.</summary>
    private static string? Signalled(Case c, string[] args, string sig)
    {
        var results = args[Array.IndexOf(args, "--results") + 1];
        // A signal ignored by whoever started the tests (nohup ignores SIGHUP, and children inherit that) stays
        // ignored in the child, as a user who ran the tool under nohup wants; env --default-signal gives the child
        // the default dispositions a terminal session has, so the case tests the tool, not the test's parent.
        string[] argv = OperatingSystem.IsLinux() ? ["--default-signal", "dotnet", ChildCli.IeDll, .. args] : [ChildCli.IeDll, .. args];
        var psi = new ProcessStartInfo(OperatingSystem.IsLinux() ? "env" : "dotnet", argv) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        psi.Environment["IE_ROOT"] = Repo.Root; // the synthetic model cache of the project
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var outText = p.StandardOutput.ReadToEndAsync();
        string? file = null;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!p.HasExited && DateTime.UtcNow < deadline)
        {
            file = Directory.Exists(results) ? Directory.GetDirectories(results).Select(d => Path.Combine(d, ResultStore.ResultFileName)).FirstOrDefault(File.Exists) : null;
            if (file is not null && File.ReadAllText(file).Contains("\"status\": \"ok\"", StringComparison.Ordinal)) break;
            Thread.Sleep(50);
        }
        if (p.HasExited) return $"the sweep ended (exit {p.ExitCode}) before it was signalled";
        using (var k = Process.Start(new ProcessStartInfo("kill", [$"-{sig}", p.Id.ToString(CultureInfo.InvariantCulture)]))!) k.WaitForExit();
        if (!p.WaitForExit(120_000)) { p.Kill(); return "did not stop within 2 minutes"; }
        var e = err.GetAwaiter().GetResult();
        var o = outText.GetAwaiter().GetResult();
        var lines = e.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (p.ExitCode != c.Code) return $"exit {p.ExitCode}, expected {c.Code}: {e.Trim()}";
        if (lines.Length != 1) return $"{lines.Length} lines on stderr: {e.Trim()}";
        if ((e + o).Contains("   at ", StringComparison.Ordinal)) return "a stack trace";
        var folder = Path.GetDirectoryName(file!)!;
        var r = ResultStore.Load(folder);
        if (r.Status != RunStatus.Interrupted) return $"status {Words.Of(r.Status)}, expected interrupted";
        if (!r.Scenarios.Any(s => s.Status == ScenarioStatus.Ok)) return "no finished scenario kept";
        if (!File.Exists(Path.Combine(folder, "report.md"))) return "no report.md";
        return null;
    }

    private static void Build(string root)
    {
        var results = Path.Combine(root, "results");
        ResultStore.Save(TestRuns.Build(batches: [1, 4], prompts: [128]), Path.Combine(results, "good"));
        var goodText = File.ReadAllText(Path.Combine(results, "good", ResultStore.ResultFileName));
        var firstPrefill = System.Text.RegularExpressions.Regex.Match(goodText, "\"prefill_seconds\": [0-9.eE+-]+").Value;
        void Result(string name, string text)
        {
            Directory.CreateDirectory(Path.Combine(results, name));
            File.WriteAllText(Path.Combine(results, name, ResultStore.ResultFileName), text);
        }
        string Plant(string value) => ReplaceFirst(goodText, firstPrefill, "\"prefill_seconds\": " + value);
        Result("nan", Plant("\"NaN\""));
        Result("inf", Plant("1e999"));
        Result("neg-inf", Plant("-1e999"));
        Result("nan-string-summary", ReplaceFirst(goodText, "\"median\": ", "\"median\": \"Infinity\", \"x_\": "));
        Result("truncated", goodText[..(goodText.Length / 2)]);
        Result("empty", "");
        Result("array", "[]");
        Result("schema9", goodText.Replace("\"schema_version\": \"1.0\"", "\"schema_version\": \"9.0\"", StringComparison.Ordinal));
        Result("wrongtype", ReplaceFirst(goodText, "\"batch_size\": 1", "\"batch_size\": \"one\""));
        Directory.CreateDirectory(Path.Combine(results, "nofile"));
        ResultStore.Save(TestRuns.Build(batches: [1, 4], prompts: [128]), Path.Combine(results, "charts-out"));
        var pictures = Directory.CreateDirectory(Path.Combine(root, "pictures")).FullName;
        File.WriteAllText(Path.Combine(pictures, "decode_tps.png"), "the user's own");
        Directory.CreateSymbolicLink(Path.Combine(results, "charts-out", "charts"), pictures);

        var rates = Directory.CreateDirectory(Path.Combine(root, "rates")).FullName;
        var card = RateCards.BuiltIn().Rates[0] with { Input = 77.125 };
        var cardText = RateCards.Serialize([card]);
        void Rate(string name, string text) => File.WriteAllText(Path.Combine(rates, name + ".json"), text);
        Rate("malformed", cardText[..(cardText.Length / 2)]);
        Rate("negative", cardText.Replace("77.125", "-1", StringComparison.Ordinal));
        Rate("huge", cardText.Replace("77.125", "1e308", StringComparison.Ordinal));
        Rate("inf", cardText.Replace("77.125", "1e999", StringComparison.Ordinal));
        Rate("nan-string", cardText.Replace("77.125", "\"NaN\"", StringComparison.Ordinal));
        Rate("duplicate", RateCards.Serialize([card, card]));
        Rate("wrong-format", cardText.Replace(RateCardFile.FormatName, "something-else", StringComparison.Ordinal));
        Rate("version2", ReplaceFirst(cardText, "\"version\": 1", "\"version\": 2"));
        Rate("empty-provider", RateCards.Serialize([card with { Provider = " " }]));
        Rate("zero-long-context", RateCards.Serialize([card with { LongContext = [new LongContextTier { AboveInputTokens = 0, Input = 1, Output = 2 }] }]));
        Rate("unknown-field", ReplaceFirst(cardText, "\"input\": ", "\"inptu\": 1, \"input\": "));
        Rate("unreadable", cardText);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(rates, "unreadable.json"), UnixFileMode.None);

        ResultStore.Save(TestRuns.Build(batches: [1], prompts: [128]), Path.Combine(results, "unreadable"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(results, "unreadable", ResultStore.ResultFileName), UnixFileMode.None);
        ResultStore.Save(TestRuns.Build(batches: [1], prompts: [128]), Path.Combine(results, "readonly"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(results, "readonly"), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var models = Directory.CreateDirectory(Path.Combine(root, "models")).FullName;
        Directory.CreateDirectory(Path.Combine(models, "empty"));
        void Model(string name, string config)
        {
            Directory.CreateDirectory(Path.Combine(models, name));
            File.WriteAllText(Path.Combine(models, name, "genai_config.json"), config);
        }
        Model("notjson", "{ \"model\": ");
        Model("array", "[]");
        Model("eos-string", "{\"model\": {\"type\": \"llama\", \"eos_token_id\": \"two\", \"vocab_size\": 100, \"context_length\": 128, \"decoder\": {\"filename\": \"model.onnx\", \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"num_key_value_heads\": 2, \"head_size\": 8, \"hidden_size\": 16}}}");

        File.WriteAllText(Path.Combine(root, "litellm.json"), LiteLlmImportTests.Sample);
        var here = Directory.CreateDirectory(Path.Combine(root, "here")).FullName;
        File.WriteAllText(Path.Combine(here, "notes.txt"), "mine");
        var elsewhere = Directory.CreateDirectory(Path.Combine(root, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "cards.json"), "mine too");
        File.CreateSymbolicLink(Path.Combine(here, "link-out.json"), Path.Combine(elsewhere, "cards.json"));
        using var mk = Process.Start(new ProcessStartInfo("mkfifo", [Path.Combine(here, "pipe")]))!;
        mk.WaitForExit();
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        int i = text.IndexOf(what, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{what}' not found to plant");
        return string.Concat(text.AsSpan(0, i), with, text.AsSpan(i + what.Length));
    }
}

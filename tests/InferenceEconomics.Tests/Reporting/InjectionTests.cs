using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Reporting;

/// <summary>
/// One escaping layer per format, tested by planting payloads in every string a result or rate file carries:
/// report.md (pipes, newlines, HTML, links), scenarios.csv (formulas), the terminal (ESC and other controls).
/// </summary>
public class InjectionTests
{
    private const string Md = "evil|<img src=x onerror=alert(1)>[link](http://evil.example)\n# injected";
    private const string Formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
    private const string Esc = "\u001b]0;pwned\u0007\u001b[31mred\u001b[2J";

    private static RunResult Planted(string payload)
    {
        var r = TestRuns.Build(batches: [1, 4], prompts: [128], model: payload, host: payload, gpu: payload);
        var failed = r.Scenarios[0] with { Id = "b9-p128-g17", BatchSize = 9, Status = ScenarioStatus.Failed, FailureReason = payload, Repetitions = [], Summary = null, Telemetry = null };
        return r with
        {
            Environment = r.Environment with { Os = payload, CpuModel = payload },
            Model = r.Model with { ModelType = payload, SyntheticOf = payload },
            Scenarios = [.. r.Scenarios, failed],
            Notes = [new Note(NoteKind.Caution, "planted", payload)],
        };
    }

    private static (int Code, string Out, string Err) Cli(TempDir root, params string[] args)
    {
        var r = CliRunner.RunWith(new ProjectPaths(root.Path), args);
        return (r.ExitCode, r.Out, r.Err);
    }

    [Fact]
    public void Report_md_keeps_planted_markup_inert()
    {
        using var root = new TempDir();
        var run = Path.Combine(root.Path, "results", "run");
        ResultStore.Save(Planted(Md), run);
        Assert.Equal(0, Cli(root, "report", run, "--price-per-hour", "2").Code);
        var md = File.ReadAllText(Path.Combine(run, "report.md"));
        Assert.Contains("evil", md, StringComparison.Ordinal); // the payload is there, shown as text
        Assert.DoesNotContain("<img", md, StringComparison.Ordinal);
        Assert.DoesNotContain("[link](", md, StringComparison.Ordinal);
        Assert.DoesNotContain("evil|", md, StringComparison.Ordinal);
        Assert.DoesNotContain("\n# injected", md, StringComparison.Ordinal);
        Assert.DoesNotContain("\ninjected", md, StringComparison.Ordinal);
        // Every row of the scenario table has as many cell separators as its header (no cell split by a pipe).
        var lines = md.Split('\n');
        var header = lines.First(l => l.StartsWith("| model", StringComparison.Ordinal));
        int Pipes(string l) => l.Replace("\\|", "", StringComparison.Ordinal).Count(ch => ch == '|');
        var table = lines.SkipWhile(l => l != header).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.True(table.Count >= 4);
        Assert.All(table, l => Assert.Equal(Pipes(header), Pipes(l)));
    }

    [Fact]
    public void Scenarios_csv_neutralises_formulas_and_keeps_numbers()
    {
        using var root = new TempDir();
        var run = Path.Combine(root.Path, "results", "run");
        ResultStore.Save(Planted(Formula), run);
        Assert.Equal(0, Cli(root, "report", run).Code);
        var csv = File.ReadAllText(Path.Combine(run, "scenarios.csv"));
        var escaped = "\"'" + Formula.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        Assert.Contains(escaped, csv, StringComparison.Ordinal);
        // No field starts with a formula character unless it is the neutralised form or a plain number.
        foreach (var line in csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1))
            Assert.DoesNotContain(",=", line, StringComparison.Ordinal);
        Assert.False(csv.StartsWith('='));
    }

    [Theory]
    [InlineData("=1+2", "\"'=1+2\"")]
    [InlineData("+1+2", "\"'+1+2\"")]
    [InlineData("-1+cmd|' /C calc'!A0", "\"'-1+cmd|' /C calc'!A0\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\tx", "\"'\tx\"")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("-0.5", "-0.5")]           // a number stays a number
    [InlineData("-1e-3", "-1e-3")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("plain", "plain")]
    public void Csv_cells_follow_owasp_then_rfc4180(string cell, string expected) => Assert.Equal(expected, CsvExporter.Escape(cell));

    [Fact]
    public void The_terminal_never_gets_escape_sequences_from_files()
    {
        using var root = new TempDir();
        var run = Path.Combine(root.Path, "results", "run");
        ResultStore.Save(Planted(Esc), run);
        var card = RateCards.BuiltIn().Rates[0] with { Provider = "p" + Esc, Model = "m" + Esc };
        var rates = Path.Combine(root.Path, "rates.json");
        File.WriteAllText(rates, RateCards.Serialize([card]));
        var outputs = new[]
        {
            Cli(root, "history", "--results", Path.Combine(root.Path, "results")),
            Cli(root, "cost", run, "--price-per-hour", "2", "--rates", rates, "--vs", card.Key),
            Cli(root, "rates", "list", "--rates", rates),
            Cli(root, "compare", run, run),
            Cli(root, "report", run),
        };
        foreach (var (code, output, err) in outputs)
        {
            Assert.True(code == 0, err);
            Assert.DoesNotContain('\u001b', output + err);
            Assert.DoesNotContain('\u0007', output + err);
        }
        Assert.Contains("red", outputs[0].Out, StringComparison.Ordinal); // the text is shown, only the controls are gone
    }

    [LinuxFact("control characters in folder names")]
    public void Warnings_on_stderr_lose_control_characters_from_folder_names()
    {
        using var root = new TempDir();
        var results = Path.Combine(root.Path, "results");
        ResultStore.Save(TestRuns.Build(batches: [1], prompts: [128]), Path.Combine(results, "good"));
        var bad = Path.Combine(results, "bad" + Esc);
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, ResultStore.ResultFileName), "{ not json");
        var (code, output, err) = Cli(root, "history", "--results", results);
        Assert.Equal(0, code);
        Assert.Contains("skipped 1 folder", err, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output + err);
        Assert.DoesNotContain('\u0007', output + err);
    }
}

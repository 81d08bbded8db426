using System.Text.Json;
using InferenceEconomics.Economics;
using InferenceEconomics.Results;
using InferenceEconomics.Tests.Reporting;

namespace InferenceEconomics.Tests.Schema;

/// <summary>Every number read from a result file, rate file or flag is finite and in range; none written is NaN or Infinity.</summary>
public class FiniteNumberTests
{
    private const string Marker = "123456.789";

    private static (int Code, string Out, string Err) Cli(TempDir root, params string[] args)
    {
        var r = CliRunner.RunWith(new ProjectPaths(root.Path), args);
        return (r.ExitCode, r.Out, r.Err);
    }

    /// <summary>A good run folder whose scenarios[1].repetitions[0].prefill_seconds holds <paramref name="planted"/> verbatim.</summary>
    private static string PlantedRun(TempDir root, string name, string planted)
    {
        var r = TestRuns.Build(batches: [1, 4], prompts: [128]);
        var sc = r.Scenarios.ToList();
        var reps = sc[1].Repetitions.ToList();
        reps[0] = reps[0] with { PrefillSeconds = double.Parse(Marker, System.Globalization.CultureInfo.InvariantCulture) };
        sc[1] = sc[1] with { Repetitions = reps };
        var dir = Path.Combine(root.Path, "results", name);
        ResultStore.Save(r with { Scenarios = sc }, dir);
        var file = Path.Combine(dir, ResultStore.ResultFileName);
        var text = File.ReadAllText(file);
        Assert.Equal(1, CountOf(text, Marker)); // the plant lands in exactly one place
        File.WriteAllText(file, text.Replace(Marker, planted, StringComparison.Ordinal));
        return dir;
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static string OneLine(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        return lines[0];
    }

    public static TheoryData<string, string> Plants => new()
    {
        { "1e999", "compare" }, { "1e999", "cost" }, { "1e999", "report" }, { "1e999", "frontier" },
        { "-1e999", "cost" }, { "\"NaN\"", "compare" }, { "\"Infinity\"", "report" }, { "\"-Infinity\"", "cost" }, { "NaN", "compare" },
    };

    [Theory]
    [MemberData(nameof(Plants))]
    public void A_result_holding_a_non_finite_number_is_refused_naming_its_json_path(string planted, string command)
    {
        using var root = new TempDir();
        var bad = PlantedRun(root, "bad", planted);
        var good = Path.Combine(root.Path, "results", "good");
        ResultStore.Save(TestRuns.Build(batches: [1, 4], prompts: [128]), good);
        string[] args = command switch
        {
            "compare" => ["compare", good, bad],
            "cost" => ["cost", bad, "--price-per-hour", "2"],
            "report" => ["report", bad],
            _ => ["frontier", bad, "--price-per-hour", "2"],
        };
        var before = File.ReadAllText(Path.Combine(bad, ResultStore.ResultFileName));
        var (code, _, err) = Cli(root, args);
        Assert.Equal((int)ErrorKind.ResultInvalid, code);
        var line = OneLine(err);
        // "NaN" unquoted is not JSON at all: refused as malformed; the others name the value's place.
        if (planted != "NaN") Assert.Contains("scenarios[1].repetitions[0].prefill_seconds", line, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(bad, ResultStore.ResultFileName)));
        Assert.False(File.Exists(Path.Combine(bad, "report.md")));
    }

    [Fact]
    public void The_writer_refuses_a_non_finite_number_naming_its_path_instead_of_writing_NaN()
    {
        var r = TestRuns.Build(batches: [1], prompts: [128]);
        var reps = r.Scenarios[0].Repetitions.ToList();
        reps[0] = reps[0] with { TtftSeconds = double.NaN };
        var bad = r with { Scenarios = [r.Scenarios[0] with { Repetitions = reps }] };
        var e = Assert.Throws<InvalidOperationException>(() => ResultJson.Serialize(bad));
        Assert.Contains("Scenarios", e.Message, StringComparison.Ordinal);
        Assert.Contains("TtftSeconds", e.Message, StringComparison.Ordinal);
        using var dir = new TempDir();
        Assert.Throws<InvalidOperationException>(() => ResultStore.Save(bad, dir.Path));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path)); // nothing written, no temp file left
        var json = ResultJson.Serialize(r);
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e308")]      // finite but absurd: $1e302 per token
    [InlineData("1000001")]    // just past $1 per token
    [InlineData("1e999")]      // Infinity when parsed
    [InlineData("\"NaN\"")]
    [InlineData("-0.5")]
    public void A_rate_card_priced_absurdly_is_refused_in_one_line(string price)
    {
        using var root = new TempDir();
        var run = Path.Combine(root.Path, "results", "run");
        ResultStore.Save(TestRuns.Build(batches: [1, 4], prompts: [128]), run);
        var card = RateCards.BuiltIn().Rates[0] with { Input = 77.125 };
        var file = Path.Combine(root.Path, "rates.json");
        File.WriteAllText(file, RateCards.Serialize([card]).Replace("77.125", price, StringComparison.Ordinal));
        var (code, output, err) = Cli(root, "cost", run, "--price-per-hour", "2", "--rates", file, "--vs", card.Key);
        Assert.Equal((int)ErrorKind.PriceInvalid, code);
        var line = OneLine(err);
        Assert.Contains("rates.json", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", output + err, StringComparison.Ordinal);
        Assert.DoesNotContain("$NaN", output + err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_price_of_exactly_one_dollar_per_token_is_still_accepted()
    {
        var card = RateCards.BuiltIn().Rates[0] with { Input = ApiRate.MaxPricePerMillion };
        var cards = RateCards.Parse(RateCards.Serialize([card]), "edge.json");
        Assert.Equal(1_000_000, cards.Rates[0].Input);
    }

    [Theory]
    [InlineData("1e18")]
    [InlineData("1e13")]
    public void A_request_rate_past_what_can_be_sized_is_refused_not_wrapped(string rpd)
    {
        using var root = new TempDir();
        var run = Path.Combine(root.Path, "results", "run");
        ResultStore.Save(TestRuns.Build(batches: [1, 4], prompts: [128]), run);
        var (code, output, err) = Cli(root, "cost", run, "--price-per-hour", "2", "--requests-per-day", rpd);
        Assert.Equal((int)ErrorKind.Usage, code);
        var line = OneLine(err);
        Assert.Contains("--requests-per-day", line, StringComparison.Ordinal);
        Assert.DoesNotContain("2,147,483,647", output + err, StringComparison.Ordinal);
    }

    [Fact]
    public void Machines_are_refused_past_the_cap_and_exact_below_it()
    {
        // 10 requests/hour over a capacity of 3/hour: ceil(3.33) = 4 machines (by hand).
        Assert.Equal(4, SelfHostedFormulas.Machines(10, 3));
        Assert.Equal(SelfHostedFormulas.MaxMachines, SelfHostedFormulas.Machines(SelfHostedFormulas.MaxMachines * 2.0, 2));
        var e = Assert.Throws<InferenceEconomicsException>(() => SelfHostedFormulas.Machines(1e18, 1));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Throws<InferenceEconomicsException>(() => SelfHostedFormulas.Machines(double.PositiveInfinity, 1));
        Assert.Throws<InferenceEconomicsException>(() => SelfHostedFormulas.Machines(5, 0)); // a zero capacity is not "1 machine"
    }
}

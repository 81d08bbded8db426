using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Metrics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

internal sealed class CompareCommandSettings
{
    public List<string> Runs { get; set; } = [];
    /// <summary>Selectors of the latest run on each side (key=value pairs, exact), instead of naming runs.</summary>
    public string? Latest { get; set; }
    public string? Vs { get; set; }
    public string? Store { get; set; }
    public ComparisonOptions Options { get; set; } = new();
    /// <summary>$/hour of the baseline [and candidate] machine.</summary>
    public IReadOnlyList<string>? Prices { get; set; }
    public bool Json { get; set; }
}

/// <summary>compare: two runs, scenario by scenario, with a statistical test; a CI-friendly exit code.</summary>
internal sealed class CompareCommand : CliCommand<CompareCommandSettings>
{
    public override string Name => "compare";
    public override string Summary => "compare two runs with a statistical test (CI exit code)";
    public override string Usage => $"{EntryPoint.Name} compare <baseline> <candidate> [options]  |  {EntryPoint.Name} compare --latest SELECTOR --vs SELECTOR [options]";
    public override string Description =>
        "Scenarios match on model shape + precision, engine, device kind, B, P and G. Per metric: a two-sided Mann-Whitney U\n" +
        "test on the per-repetition samples (exact for small samples without ties, normal approximation otherwise) and the\n" +
        "threshold: Faster / Same / Slower, with the ratio of medians (candidate / baseline) and the geometric mean over scenarios.\n" +
        "Exit codes: 0 nothing slower; 12 a metric regressed (Slower); 11 a result is missing or invalid, or nothing matches; 2 bad options.";
    public override IReadOnlyList<string> Examples => [$"{EntryPoint.Name} compare results/<old-run> results/<new-run> --threshold 5%"];

    public CompareCommand()
    {
        Argument(s => s.Runs, "runs", "the baseline and the candidate: run folders, result.json files, run folder names under results/ (run ids with --store)", min: 0, max: 2);
        Option(s => s.Latest, "--latest", "SELECTOR", "the baseline: the latest run matching key=value pairs (gpu, host, model, precision, engine, since, until), e.g. gpu=h100,model=phi-3-mini");
        Option(s => s.Vs, "--vs", "SELECTOR", "the candidate: the latest run matching these pairs");
        Option(s => s.Store, "--store", "URL|PATH", StoreCli.Help, defaultText: StoreCli.DefaultText);
        Option(s => s.Options.Threshold, "--threshold", "X", "relative change of medians that counts (\"5%\" or 0.05)", show: v => ValueParsers.Show(v * 100) + "%");
        Option(s => s.Options.Alpha, "--alpha", "X", "significance level of the Mann-Whitney test");
        Option(s => s.Options.Metrics, "--metrics", "LIST", "metrics to test", ParseMetrics,
            defaultText: string.Join(",", MetricCatalog.CompareDefaults.Select(m => m.Id)) + " (energy when both runs measured it)",
            choices: MetricCatalog.Nameable.Select(m => m.Id).ToList());
        Option(s => s.Prices, "--price-per-hour", "B[,C]", "$/hour of the baseline [and candidate] machine: adds output tokens per dollar");
        Flag(s => s.Json, "--json", "the comparison as JSON");
    }

    /// <summary>Metric names from the catalog; an unknown one is a usage error with a suggestion.</summary>
    internal static IReadOnlyList<Metric> ParseMetrics(string option, string text) =>
        ValueParsers.StringList(text).Select(n => MetricCatalog.Find(n) is { } m && m.Comparable ? m : throw ValueParsers.Usage(
            $"unknown metric '{n}'{Suggest.DidYouMean(n, MetricCatalog.Nameable.Select(x => x.Id))}; known: {string.Join(", ", MetricCatalog.Nameable.Select(x => x.Id))}")).ToList();

    protected override int Execute(CompareCommandSettings s, CliContext context)
    {
        var options = s.Options;
        if (s.Prices is { } prices)
        {
            if (prices.Count is < 1 or > 2) throw ValueParsers.Usage("--price-per-hour takes one price, or two (baseline,candidate)");
            double basePrice = PositivePrice(prices[0]);
            options = options with { BaselinePricePerHour = basePrice, CandidatePricePerHour = prices.Count == 2 ? PositivePrice(prices[1]) : basePrice };
        }
        bool selecting = s.Latest is not null || s.Vs is not null;
        if (selecting && (s.Latest is null || s.Vs is null || s.Runs.Count > 0))
            throw ValueParsers.Usage("--latest and --vs go together, without run names: compare --latest gpu=h100 --vs gpu=h200");
        if (!selecting && s.Runs.Count != 2)
            throw ValueParsers.Usage($"compare needs two runs, a baseline and a candidate (got {s.Runs.Count}); see {EntryPoint.Name} compare --help");

        using var source = selecting ? StoreCli.OpenSource(s.Store, null, context) : StoreCli.OpenSourceFor(s.Store, s.Runs, context);
        RunResult baseline, candidate;
        string baseName, candName;
        if (selecting)
        {
            var (b, br) = source.Latest(RunSelector.Parse(s.Latest!, "--latest"));
            var (c, cr) = source.Latest(RunSelector.Parse(s.Vs!, "--vs"));
            (baseline, candidate, baseName, candName) = (br, cr, b.Location, c.Location);
        }
        else
        {
            baseline = StoreCli.Load(source, s.Runs[0], s.Store, context);
            candidate = StoreCli.Load(source, s.Runs[1], s.Store, context);
            (baseName, candName) = (s.Runs[0], s.Runs[1]);
        }
        var report = RunComparer.Compare(baseline, candidate, options, baseName, candName);

        context.Out.Write(s.Json ? ResultJson.Serialize(report) + Environment.NewLine : ComparisonText.Render(report));
        if (report.Regressed)
        {
            context.Error.WriteLine($"regression: {report.SlowerCount} metric(s) slower than the baseline (exit {(int)ErrorKind.Regression})");
            return (int)ErrorKind.Regression;
        }
        return 0;
    }

    private static double PositivePrice(string s) =>
        double.TryParse(s.TrimStart('$'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v
            : throw ValueParsers.Usage($"--price-per-hour '{s}' is not a positive number of dollars per hour");
}

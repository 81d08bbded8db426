using System.Globalization;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

/// <summary>compare: two runs, scenario by scenario, with a statistical test; a CI-friendly exit code.</summary>
public sealed class CompareCommand : ICliCommand
{
    public string Name => "compare";
    public string Summary => "compare two runs with a statistical test (CI exit code)";
    public string Help => """
        Usage: ./run.sh compare <baseline> <candidate> [options]
               ./run.sh compare --latest SELECTOR --vs SELECTOR [--store URL|PATH] [options]
          <baseline>, <candidate>   a run folder, its result.json, or a run folder name under results/
                                    (a run id with --store or IE_STORE)
          --latest SEL --vs SEL     the latest run matching each selector: key=value pairs, exact match,
                                    keys gpu, host, model, precision, engine, since, until
                                    (e.g. --latest gpu=h100,model=phi-3-mini --vs gpu=h200,model=phi-3-mini)
        """ + StoreCli.OptionHelp + "\n" + """
          --threshold X             relative change of medians that counts (default 5%; "5%" or 0.05)
          --alpha X                 significance level of the Mann-Whitney test (default 0.05)
          --metrics a,b             metrics to test (default prefill_tps,decode_tps,ttft,itl_p99 and
                                    prefill/decode_j_per_token when both runs measured energy);
                                    also: output_tps, itl_p50, tpot, e2e
          --price-per-hour B[,C]    $/hour of the baseline [and candidate] machine: adds output tokens per dollar
          --json                    the comparison as JSON

        Scenarios match on model shape + precision, engine, device kind, B, P and G. Per metric: a
        two-sided Mann-Whitney U test on the per-repetition samples (exact for small samples without
        ties, normal approximation otherwise) and the threshold: Faster / Same / Slower, with the ratio
        of medians (candidate / baseline) and the geometric mean over scenarios.
        Exit codes: 0 nothing slower; 12 a metric regressed (Slower); 11 a result is missing or
        invalid, or nothing matches; 2 bad options.
        """;
    public IReadOnlyList<string> Examples => ["./run.sh compare results/<old-run> results/<new-run> --threshold 5%"];

    public int Run(CliArgs args, CliContext context)
    {
        double threshold = args.Double("--threshold", 0, 1) ?? 0.05;
        double alpha = args.Double("--alpha", 0, 1, minExclusive: true) ?? 0.05;
        var metricNames = args.StringList("--metrics");
        var prices = args.StringList("--price-per-hour");
        bool json = args.Flag("--json");
        var storeOption = args.String("--store");
        var latest = args.String("--latest");
        var vs = args.String("--vs");
        args.EnsureAllUsed();
        bool selecting = latest is not null || vs is not null;
        if (selecting && (latest is null || vs is null || args.Positionals.Count > 0))
            throw CliArgs.Usage("--latest and --vs go together, without run names: compare --latest gpu=h100 --vs gpu=h200");
        if (!selecting && args.Positionals.Count != 2)
            throw CliArgs.Usage($"compare needs two runs, a baseline and a candidate (got {args.Positionals.Count}); see ./run.sh compare --help");
        if (alpha >= 1) throw CliArgs.Usage("--alpha must be below 1");

        IReadOnlyList<MetricDefinition>? metrics = null;
        if (metricNames is not null)
            metrics = metricNames.Select(n => ScenarioMetrics.Find(n) ?? throw CliArgs.Usage(
                $"unknown metric '{n}'{Common.Suggest.DidYouMean(n, ScenarioMetrics.All.Select(m => m.Name))}; known: {string.Join(", ", ScenarioMetrics.All.Select(m => m.Name))}")).ToList();

        double? basePrice = null, candPrice = null;
        if (prices is not null)
        {
            if (prices.Count is < 1 or > 2) throw CliArgs.Usage("--price-per-hour takes one price, or two (baseline,candidate)");
            basePrice = ParsePrice(prices[0]);
            candPrice = prices.Count == 2 ? ParsePrice(prices[1]) : basePrice;
        }

        using var source = selecting ? StoreCli.OpenSource(storeOption, null, context) : StoreCli.OpenSourceFor(storeOption, args.Positionals, context);
        RunResult baseline, candidate;
        string baseName, candName;
        if (selecting)
        {
            var (b, br) = source.Latest(RunSelector.Parse(latest!, "--latest"));
            var (c, cr) = source.Latest(RunSelector.Parse(vs!, "--vs"));
            (baseline, candidate, baseName, candName) = (br, cr, b.Location, c.Location);
        }
        else
        {
            baseline = StoreCli.Load(source, args.Positionals[0], storeOption, context);
            candidate = StoreCli.Load(source, args.Positionals[1], storeOption, context);
            (baseName, candName) = (args.Positionals[0], args.Positionals[1]);
        }
        var report = RunComparer.Compare(baseline, candidate, new ComparisonOptions
        {
            Threshold = threshold,
            Alpha = alpha,
            Metrics = metrics,
            BaselinePricePerHour = basePrice,
            CandidatePricePerHour = candPrice,
        }, baseName, candName);

        context.Out.Write(json ? ResultJson.Serialize(report) + Environment.NewLine : ComparisonText.Render(report));
        if (report.Regressed)
        {
            context.Error.WriteLine($"regression: {report.SlowerCount} metric(s) slower than the baseline (exit {(int)ErrorKind.Regression})");
            return (int)ErrorKind.Regression;
        }
        return 0;
    }

    private static double ParsePrice(string s) =>
        double.TryParse(s.TrimStart('$'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v
            : throw CliArgs.Usage($"--price-per-hour '{s}' is not a positive number of dollars per hour");
}

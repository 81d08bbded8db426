using InferenceEconomics.Metrics;

namespace InferenceEconomics.Results.Comparison;

/// <summary>
/// Compares two runs scenario by scenario, as BenchmarkDotNet's statistical test column does:
/// a metric is Faster or Slower only when the two-sided Mann-Whitney test rejects "same
/// distribution" at alpha AND the medians differ by more than the relative threshold.
/// </summary>
public static class RunComparer
{
    public static ComparisonReport Compare(RunResult baseline, RunResult candidate, ComparisonOptions? options = null,
        string baselinePath = "baseline", string candidatePath = "candidate")
    {
        options ??= new ComparisonOptions();
        new Validator()
            .Range(nameof(options.Threshold), options.Threshold, 0, 1, "a relative change of the medians, e.g. 0.05 or 5%")
            .Range(nameof(options.Alpha), options.Alpha, 0, 1, "a significance level, e.g. 0.05", minExclusive: true)
            .Require(options.Alpha < 1, nameof(options.Alpha), options.Alpha, "must be below 1")
            .ThrowIfAny();
        var metrics = options.Metrics ?? MetricCatalog.CompareDefaults;
        var baseId = RunIdentity.Of(baseline);
        var candId = RunIdentity.Of(candidate);

        var unmatched = new List<UnmatchedScenario>();
        var scenarios = new List<ScenarioComparison>();
        bool runsComparable = baseId.MatchKey == candId.MatchKey;

        var candByKey = candidate.Scenarios.GroupBy(RunIdentity.ScenarioKey).ToDictionary(g => g.Key, g => g.First());
        var matchedCand = new HashSet<string>();
        foreach (var b in baseline.Scenarios)
        {
            var key = RunIdentity.ScenarioKey(b);
            if (!runsComparable) { unmatched.Add(new("baseline", b.Id, key, MismatchReason(baseId, candId))); continue; }
            if (!candByKey.TryGetValue(key, out var c)) { unmatched.Add(new("baseline", b.Id, key, "not in candidate")); continue; }
            matchedCand.Add(key);
            if (b.Status != ScenarioStatus.Ok || c.Status != ScenarioStatus.Ok)
            {
                var why = b.Status != ScenarioStatus.Ok ? $"baseline {Words.Of(b.Status)}" : $"candidate {Words.Of(c.Status)}";
                unmatched.Add(new("both", b.Id, key, $"{why}: nothing to compare"));
                continue;
            }
            scenarios.Add(CompareScenario(key, b, c, metrics, options));
        }
        foreach (var c in candidate.Scenarios)
        {
            var key = RunIdentity.ScenarioKey(c);
            if (!runsComparable) unmatched.Add(new("candidate", c.Id, key, MismatchReason(baseId, candId)));
            else if (!matchedCand.Contains(key)) unmatched.Add(new("candidate", c.Id, key, "not in baseline"));
        }

        if (scenarios.Count == 0)
        {
            var why = runsComparable ? "no scenario (B, P, G) ran successfully in both" : MismatchReason(baseId, candId);
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid,
                $"nothing to compare between {baselinePath} and {candidatePath}: {why}; compare runs of the same model shape, precision, engine and device");
        }

        var geo = new List<GeometricMean>();
        foreach (var m in metrics)
        {
            var ratios = scenarios.SelectMany(s => s.Metrics.Where(x => x.Metric == m.Id && x.Ratio > 0 && double.IsFinite(x.Ratio)).Select(x => x.Ratio)).ToList();
            if (ratios.Count > 0) geo.Add(new GeometricMean(m.Id, m.Better, Math.Exp(ratios.Average(Math.Log)), ratios.Count));
        }

        var labels = new List<string>();
        foreach (var n in Notes.OfRun(baseline)) labels.Add($"baseline: {n.Text}");
        foreach (var n in Notes.OfRun(candidate)) labels.Add($"candidate: {n.Text}");

        return new ComparisonReport
        {
            BaselinePath = baselinePath,
            CandidatePath = candidatePath,
            Baseline = baseId,
            Candidate = candId,
            Threshold = options.Threshold,
            Alpha = options.Alpha,
            Scenarios = scenarios,
            GeometricMeans = geo,
            Unmatched = unmatched,
            Labels = labels,
        };
    }

    private static ScenarioComparison CompareScenario(string key, ScenarioResult b, ScenarioResult c,
        IReadOnlyList<Metric> metrics, ComparisonOptions options)
    {
        var list = new List<MetricComparison>();
        foreach (var m in metrics)
        {
            var xs = m.Samples(b);
            var ys = m.Samples(c);
            if (xs.Count == 0 || ys.Count == 0) continue; // not measured in one of the runs (e.g. no energy source)
            list.Add(CompareMetric(m, xs, ys, options));
        }
        TokensPerDollar? tpd = null;
        if (options.BaselinePricePerHour is > 0 && options.CandidatePricePerHour is > 0
            && MetricCatalog.OutputTps.Headline(b) is { } ob && MetricCatalog.OutputTps.Headline(c) is { } oc)
        {
            double tb = ob * 3600 / options.BaselinePricePerHour.Value, tc = oc * 3600 / options.CandidatePricePerHour.Value;
            tpd = new TokensPerDollar(tb, tc, tc / tb);
        }
        return new ScenarioComparison(key, b.Id, c.Id, b.BatchSize, b.PromptTokens, b.GenTokens, list, tpd);
    }

    /// <summary>One metric: test, ratio of medians, verdict.</summary>
    public static MetricComparison CompareMetric(Metric m, IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, ComparisonOptions options)
    {
        double mb = Statistics.Quantile(baseline, 0.5), mc = Statistics.Quantile(candidate, 0.5);
        double ratio = mb == 0 ? double.NaN : mc / mb;
        var test = MannWhitney.Test(baseline, candidate);
        bool significant = test.PValue < options.Alpha;
        bool beyondThreshold = double.IsFinite(ratio) && Math.Abs(ratio - 1) > options.Threshold;
        bool worse = m.Better == Better.Higher ? ratio < 1 : ratio > 1;
        var verdict = significant && beyondThreshold ? (worse ? Verdict.Slower : Verdict.Faster) : Verdict.Same;

        string? note = null;
        if (test.MinimumPValue >= options.Alpha)
            note = baseline.Count == 1 && candidate.Count == 1
                ? "one aggregate value per run: no test possible, ratio shown only"
                : $"too few samples ({baseline.Count} vs {candidate.Count}) for the test to reach p < {options.Alpha:0.###}";
        else if (!significant && beyondThreshold)
            note = "difference beyond threshold but not significant (noise)";
        return new MetricComparison(m.Id, m.Unit.Symbol, m.Better, baseline.Count, candidate.Count, mb, mc, ratio, test.PValue, test.Method, verdict, note);
    }

    private static string MismatchReason(RunIdentity a, RunIdentity b)
    {
        var diffs = new List<string>();
        if (a.Shape != b.Shape) diffs.Add($"model shape ({a.Model}: {a.Shape} vs {b.Model}: {b.Shape})");
        if (a.Precision != b.Precision) diffs.Add($"precision ({Words.Of(a.Precision)} vs {Words.Of(b.Precision)})");
        if (a.Engine != b.Engine) diffs.Add($"engine ({Words.Of(a.Engine)} vs {Words.Of(b.Engine)})");
        if (a.Device.Kind != b.Device.Kind) diffs.Add($"device ({a.Device} vs {b.Device})");
        return "runs differ in " + string.Join(", ", diffs);
    }
}

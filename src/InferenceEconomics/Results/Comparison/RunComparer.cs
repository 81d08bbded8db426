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
        if (!(options.Threshold >= 0) || !(options.Alpha > 0 && options.Alpha < 1))
            throw new InferenceEconomicsException(ErrorKind.Usage, "threshold must be >= 0 and alpha between 0 and 1");
        var metrics = options.Metrics ?? ScenarioMetrics.CompareDefaults;
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
            if (b.Status != "ok" || c.Status != "ok")
            {
                var why = b.Status != "ok" ? $"baseline {b.Status}" : $"candidate {c.Status}";
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
            var ratios = scenarios.SelectMany(s => s.Metrics.Where(x => x.Metric == m.Name && x.Ratio > 0 && double.IsFinite(x.Ratio)).Select(x => x.Ratio)).ToList();
            if (ratios.Count > 0) geo.Add(new GeometricMean(m.Name, m.Better, Math.Exp(ratios.Average(Math.Log)), ratios.Count));
        }

        var labels = new List<string>();
        foreach (var l in baseline.Labels) labels.Add($"baseline: {l}");
        foreach (var l in candidate.Labels) labels.Add($"candidate: {l}");
        if (baseId.SyntheticWeights && !baseline.Labels.Any(l => l.Contains("synthetic", StringComparison.OrdinalIgnoreCase))) labels.Add("baseline: synthetic weights");
        if (candId.SyntheticWeights && !candidate.Labels.Any(l => l.Contains("synthetic", StringComparison.OrdinalIgnoreCase))) labels.Add("candidate: synthetic weights");

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
        IReadOnlyList<MetricDefinition> metrics, ComparisonOptions options)
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
            && ScenarioMetrics.Value(ScenarioMetrics.OutputTps, b) is { } ob && ScenarioMetrics.Value(ScenarioMetrics.OutputTps, c) is { } oc)
        {
            double tb = ob * 3600 / options.BaselinePricePerHour.Value, tc = oc * 3600 / options.CandidatePricePerHour.Value;
            tpd = new TokensPerDollar(tb, tc, tc / tb);
        }
        return new ScenarioComparison(key, b.Id, c.Id, b.BatchSize, b.PromptTokens, b.GenTokens, list, tpd);
    }

    /// <summary>One metric: test, ratio of medians, verdict.</summary>
    public static MetricComparison CompareMetric(MetricDefinition m, IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, ComparisonOptions options)
    {
        double mb = ScenarioMetrics.Median(baseline), mc = ScenarioMetrics.Median(candidate);
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
        return new MetricComparison(m.Name, m.Unit, m.Better, baseline.Count, candidate.Count, mb, mc, ratio, test.PValue, test.Method, verdict, note);
    }

    private static string MismatchReason(RunIdentity a, RunIdentity b)
    {
        var diffs = new List<string>();
        if (a.Shape != b.Shape) diffs.Add($"model shape ({a.Model}: {a.Shape} vs {b.Model}: {b.Shape})");
        if (a.Precision != b.Precision) diffs.Add($"precision ({a.Precision} vs {b.Precision})");
        if (a.Engine != b.Engine) diffs.Add($"engine ({a.Engine} vs {b.Engine})");
        if (RunIdentity.DeviceKind(a.Device) != RunIdentity.DeviceKind(b.Device)) diffs.Add($"device ({a.Device} vs {b.Device})");
        return "runs differ in " + string.Join(", ", diffs);
    }
}

using System.Text;
using InferenceEconomics.Economics;

namespace InferenceEconomics.Reporting;

/// <summary>
/// Renders a CostComparison as a Markdown section a finance reader can follow. Tables are padded,
/// so the same text reads well in a terminal (`cost` prints it) and in report.md.
/// </summary>
public static class CostMarkdown
{
    /// <param name="shownAbove">labels the surrounding report already shows (report.md shows the run's
    /// labels at its top): left out of "Read with care", so each warning is read once.</param>
    public static string Render(CostComparison c, IReadOnlyCollection<string>? shownAbove = null)
    {
        var s = c.SelfHosted;
        var w = c.Workload;
        var sb = new StringBuilder();
        sb.AppendLine("## Cost: self-hosted vs API");
        sb.AppendLine();
        sb.AppendLine($"Workload **{MarkdownText.Inline(w.Name)}**, per request: {w.InputTokens:N0} input tokens ({w.CachedInputTokens:N0} of them a cached prefix" +
                      (w.CacheWriteTokens > 0 ? $", {w.CacheWriteTokens:N0} written to cache" : "") +
                      $"), {w.OutputTokens:N0} output" + (w.ReasoningTokens > 0 ? $", {w.ReasoningTokens:N0} reasoning" : "") + " tokens.");
        sb.AppendLine($"Measured: {(c.ModelName is { } m ? $"{MarkdownText.Inline(m)}, " : "")}scenario {MarkdownText.Inline(c.ScenarioId)} (batch {c.BatchSize}, prompt {c.PromptTokens:N0}, generated {c.GenTokens:N0} tokens).");
        if (c.Choice is { } choice)
        {
            sb.AppendLine($"Chosen: {choice.Reason}.");
            if (choice.BindingBound is { } binding) sb.AppendLine($"Binding bound: {binding}.");
            if (choice.Basis == "slo")
                sb.AppendLine($"Next batch size{(choice.NextScenarioId is { } next ? $" ({next})" : "")}: {string.Join("; ", choice.NextViolations)}.");
        }
        sb.AppendLine();

        string busy = Percent(s.Utilization);
        string shapeNote = c.Capacity is { Measured: false } ? $" for the workload's request (estimated from {c.ScenarioId})" : "";
        var self = new List<string[]>
        {
            new[] { "Machine", MachineLine(c.Pricing) },
            new[] { "Capacity of one machine", CapacityText(c) },
            new[] { "Traffic", TrafficText(c) },
            new[] { "Machines needed", $"{s.Machines}, busy {busy} of paid hours" + (s.MachinesLow is { } ml && s.MachinesHigh is { } mh && ml != mh ? $" ({ml} to {mh} over the capacity spread: {Money(s.MonthlyCostLow)} to {Money(s.MonthlyCostHigh)} a month)" : "") },
            new[] { "Monthly cost", Money(s.MonthlyCost) },
            new[] { "Cost per request", $"{Money(s.CostPerRequest)} (on a machine never idle: {Money(s.CostPerRequestFullUse)})" },
            new[] { "$ per million input tokens", $"{Money(s.InputCostPerMTokensAtUtilization)} at {busy} busy ({Money(s.InputCostPerMTokensFullUse)} at full use){shapeNote}" },
            new[] { "$ per million output tokens", $"{Money(s.OutputCostPerMTokensAtUtilization)} at {busy} busy ({Money(s.OutputCostPerMTokensFullUse)} at full use){shapeNote}" },
        };
        if (s.EnergyCostPerMOutputTokens is not null || s.EnergyCostPerMInputTokens is not null)
            self.Add(["Energy $ per million tokens", $"input {Money(s.EnergyCostPerMInputTokens)}, output {Money(s.EnergyCostPerMOutputTokens)} (power {c.Pricing.WattsSource}{(c.Pricing.Watts is { } wt ? $", {wt:N0} W" : "")}; " +
                (s.EnergyBasis == "inside_price" ? "already inside the $/hour and the $/M above, not extra)" : "for information: the rent already pays for power, not extra)")]);
        AppendTable(sb, ["Self-hosted", ""], self, [false, false]);
        sb.AppendLine();

        var rows = c.Api.Select(a => new[]
        {
            $"{a.Provider}/{a.Model}" + (a.PriceUncertain ? " [?]" : "") + (a.PricedZeroInSource ? " ($0 in source)" : ""),
            a.ExceedsContext ? "exceeds context" : Money(a.CostPerRequest),
            a.ExceedsContext ? "-" : Money(a.MonthlyCost),
            a.PricedZeroInSource ? "priced $0 in source" : a.ExceedsContext ? "exceeds context" :
                a.ApiToSelfHostedRatio is { } r ? $"{r:0.00}x ({(r > 1 ? "self-hosting cheaper" : r < 1 ? "API cheaper" : "equal")})" : "unknown",
            a.BreakEvenIntervals.Count > 0 ? IntervalsText(a.BreakEvenIntervals)
                : a.ExceedsContext ? "-" : a.PricedZeroInSource ? "never ($0 card)" : a.CostPerRequest is null ? "unknown" : "never",
            a.BreakEvenUtilization is { } u ? Percent(u) : "-",
            a.PriceSeen ?? "?",
            a.Notes.Count > 0 ? string.Join("; ", a.Notes) : "",
        }).ToList();
        AppendTable(sb, [c.BatchApi ? "API (batch prices)" : "API", "$ / request", "$ / month", "API ÷ self-hosted", "Self-hosting cheaper (requests/month)", "Busy at break-even", "Prices seen", "Notes"],
            rows, [false, true, true, true, false, true, false, false]);
        sb.AppendLine();
        sb.AppendLine($"Same traffic both sides. API prices: {(c.RatesSource.StartsWith("built-in", StringComparison.Ordinal) ? "built-in rate cards" : c.RatesSource)}, USD, on the date each card was seen. " +
                      "Month = 730 hours. Self-hosting cheaper: every range of monthly volume where it costs less (machines come in whole steps, so one machine can win, " +
                      "lose just past its capacity, and win again with more); \"from V\" has no end; busy at break-even is the utilization where the last range starts. " +
                      "This compares price only: the models differ in quality.");
        var labels = c.Labels.Where(l => shownAbove is null || !shownAbove.Contains(l)).ToList();
        if (labels.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Read with care:");
            foreach (var l in labels) sb.AppendLine($"- {MarkdownText.Inline(l)}");
        }
        if (c.Frontier is { } f)
        {
            sb.AppendLine();
            sb.Append(FrontierMarkdown.Render(f, c.Choice?.Basis == "slo" ? c.ScenarioId : null));
        }
        return sb.ToString();
    }

    /// <summary>
    /// The machine in one line: the pricing's description (what, at what price, rented or owned),
    /// then its power where the description does not already give it (an owned machine's does).
    /// </summary>
    public static string MachineLine(HardwarePricing p)
    {
        if (p.Basis == "owned") return p.Description;
        return p.Description + (p.Watts is { } w && p.WattsSource != "none" ? $"; power {w:N0} W, {p.WattsSource}" : "; power not measured");
    }

    private static string CapacityText(CostComparison c)
    {
        var s = c.SelfHosted;
        var text = $"{s.CapacityRequestsPerHour:N0} requests/hour";
        if (c.Capacity is not { } e) return text;
        if (e.Measured) return text + $" (measured at {e.ScenarioId})";
        return text + $" (estimated for the workload from {e.ScenarioId}" +
               (e.CapacityLow is { } lo && e.CapacityHigh is { } hi ? $"; spread {lo:N0}..{hi:N0} over the measured shapes {string.Join(", ", e.SpreadFrom)})" : "; one measured shape, no spread)");
    }

    private static string TrafficText(CostComparison c)
    {
        var text = $"{c.RequestsPerDay:N0} requests/day ({c.SelfHosted.RequestsPerMonth:N0}/month), peak = {c.PeakToMean:0.##} x mean";
        return c.TrafficBasis switch
        {
            "utilization" => text + $" (derived from the given utilization {c.UtilizationGiven:0.###}, not a request rate)",
            "assumed_full_use" => text + " (assumed: one machine 100% busy; no traffic given)",
            _ => text,
        };
    }

    /// <summary>"3,029,500–5,903,740 (1 machine, 51–100% busy); from 6,059,000 (2+ machines)": at most three bounded ranges, then the last.</summary>
    public static string IntervalsText(IReadOnlyList<BreakEvenInterval> intervals)
    {
        string One(BreakEvenInterval i) => i.ToRequestsPerMonth is { } to
            ? $"{i.FromRequestsPerMonth:N0}–{to:N0} ({i.Machines} machine{(i.Machines > 1 ? "s" : "")}, {Percent(i.UtilizationFrom)}–{Percent(i.UtilizationTo ?? 1)} busy)"
            : $"from {i.FromRequestsPerMonth:N0} ({i.Machines}+ machine{(i.Machines > 1 ? "s" : "")}, {Percent(i.UtilizationFrom)} busy at the start)";
        if (intervals.Count <= 4) return string.Join("; ", intervals.Select(One));
        return string.Join("; ", intervals.Take(3).Select(One)) + $"; … {intervals.Count - 4} more; " + One(intervals[^1]);
    }

    /// <summary>Dollars with cents for large sums and three significant digits for small ones; null is "unknown", never 0.</summary>
    public static string Money(double? value)
    {
        if (value is not { } v) return "unknown";
        if (v == 0) return "$0";
        double a = Math.Abs(v);
        if (a >= 100) return $"${v:N0}";
        if (a >= 1) return $"${v:N2}";
        int decimals = Math.Min(10, 2 - (int)Math.Floor(Math.Log10(a)));
        return "$" + v.ToString("F" + decimals);
    }

    /// <summary>Whole percents from 10%, one decimal from 1%, two significant digits below (never a misleading "0%").</summary>
    public static string Percent(double fraction) =>
        fraction >= 0.1 ? $"{fraction * 100:0}%" : fraction >= 0.01 ? $"{fraction * 100:0.0}%" : fraction > 0 ? $"{(fraction * 100).ToString("G2")}%" : "0%";

    /// <summary>A padded Markdown table (also used by `rates list`).</summary>
    public static string Table(string[] header, IReadOnlyList<string[]> rows, bool[] rightAlign)
    {
        var sb = new StringBuilder();
        AppendTable(sb, header, rows, rightAlign);
        return sb.ToString();
    }

    /// <summary>Every cell passes the Markdown escaping layer: card names and notes from a rate file stay in their cells.</summary>
    private static void AppendTable(StringBuilder sb, string[] header, IReadOnlyList<string[]> rows, bool[] rightAlign)
    {
        header = header.Select(MarkdownText.Inline).ToArray();
        rows = rows.Select(r => r.Select(MarkdownText.Inline).ToArray()).ToList();
        var widths = header.Select((h, i) => Math.Max(3, rows.Select(r => r[i].Length).Append(h.Length).Max())).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((x, i) => rightAlign[i] ? x.PadLeft(widths[i]) : x.PadRight(widths[i]))) + " |";
        sb.AppendLine(Line(header));
        sb.AppendLine("|" + string.Join("|", widths.Select((wd, i) => rightAlign[i] ? new string('-', wd + 1) + ":" : new string('-', wd + 2))) + "|");
        foreach (var r in rows) sb.AppendLine(Line(r));
    }
}

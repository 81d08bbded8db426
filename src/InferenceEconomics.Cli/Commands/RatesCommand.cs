using InferenceEconomics.Hardware;
using System.Text.Json;
using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

internal sealed class RatesListSettings
{
    public string? Provider { get; set; }
    public string? RatesFile { get; set; }
    public bool Json { get; set; }
}

/// <summary>`rates [list]`: API rate cards; subcommands for GPU prices, workload profiles and LiteLLM import.</summary>
internal sealed class RatesCommand : RatesListCommand
{
    public override string Name => "rates";
    public override string Summary => "list or import API rate cards; list GPU prices and workload profiles";
    public override string Usage => $"{EntryPoint.Name} rates [list|gpus|workloads|import] [options]";
    public override string Description => "\"?\" is an unknown price (never 0); [?] marks an uncertain figure.";
    public override IReadOnlyList<string> Examples =>
        [$"{EntryPoint.Name} rates list --provider anthropic", $"{EntryPoint.Name} rates import litellm model_prices_and_context_window.json --out my-rates.json"];

    public RatesCommand()
    {
        Add(new RatesListCommand());
        Add(new RatesGpusCommand());
        Add(new RatesWorkloadsCommand());
        Add(new RatesImportCommand());
    }
}

internal class RatesListCommand : CliCommand<RatesListSettings>
{
    public override string Name => "list";
    public override string Summary => "API prices, $ per million tokens";
    public override string Usage => $"{EntryPoint.Name} rates list [--provider NAME] [--rates FILE] [--json]";

    public RatesListCommand()
    {
        Option(s => s.Provider, "--provider", "NAME", "only this provider's cards");
        Option(s => s.RatesFile, "--rates", "FILE", "a rate-card file instead of the built-in cards");
        Flag(s => s.Json, "--json", "the cards as JSON");
    }

    protected override int Execute(RatesListSettings s, CliContext context)
    {
        var file = s.RatesFile;
        var cards = RateCards.LoadOrBuiltIn(file);
        var rates = cards.Rates.Where(r => s.Provider is null || r.Provider.Equals(s.Provider, StringComparison.OrdinalIgnoreCase)).ToList();
        if (s.Provider is not null && rates.Count == 0)
            throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"no rates from provider '{s.Provider}'{Suggest.DidYouMean(s.Provider, cards.Rates.Select(r => r.Provider).Distinct())}; providers: {string.Join(", ", cards.Rates.Select(r => r.Provider).Distinct())}");
        if (s.Json) { context.Out.WriteLine(RateCards.Serialize(rates).TrimEnd()); return 0; }

        static string P(double? v) => v is { } x ? $"{x:0.####}" : "?";
        var rows = rates.Select(r => new[]
        {
            r.Key + (r.Uncertain ? " [?]" : "") + (r.PricedZeroInSource ? " ($0 in source)" : "") + (r.MaxInputTokens is { } mi ? $" (context {mi / 1000:N0}k)" : ""),
            P(r.Input), P(r.Output), P(r.CachedInput),
            r.CacheWrite5m is null && r.CacheWrite1h is null ? "?" : $"{P(r.CacheWrite5m)} / {P(r.CacheWrite1h)}",
            r.Reasoning is { } re ? P(re) : "= output",
            r.BatchInput is null && r.BatchOutput is null ? "?" : $"{P(r.BatchInput)} / {P(r.BatchOutput)}",
            r.LongContext.Count == 0 ? "-" : string.Join("; ", r.LongContext.Select(t => $">{t.AboveInputTokens / 1000}k: {P(t.Input)} / {P(t.Output)}")),
            P(r.Blended),
            r.Seen,
        }).ToList();
        context.Out.WriteLine($"API rate cards ({(cards.Origin.StartsWith("built-in", StringComparison.Ordinal) ? "built-in" : cards.Origin)}), USD per million tokens; ? = unknown (never 0); blended = (3 x input + output) / 4");
        context.Out.WriteLine();
        context.Out.Write(CostMarkdown.Table(
            ["s.Provider/model", "input", "output", "cached in", "cache write 5m / 1h", "reasoning", "batch in / out", "long context in / out", "blended 3:1", "seen"],
            rows, [false, true, true, true, true, true, true, false, true, false]));
        var sources = rates.Select(r => r.Source).Distinct().ToList();
        context.Out.WriteLine();
        context.Out.WriteLine($"{rates.Count} models. Source{(sources.Count > 1 ? "s" : "")}: {string.Join("; ", sources)}");
        return 0;
    }
}

internal sealed class JsonFlag
{
    public bool Json { get; set; }
}

internal sealed class RatesGpusCommand : CliCommand<JsonFlag>
{
    public override string Name => "gpus";
    public override string Summary => "GPU specs and rent, $ per GPU-hour";
    public override string Usage => $"{EntryPoint.Name} rates gpus [--json]";

    public RatesGpusCommand() => Flag(s => s.Json, "--json", "the catalog as JSON");

    protected override int Execute(JsonFlag s, CliContext context)
    {
        var catalog = HardwareCatalog.BuiltIn();
        if (s.Json)
        {
            context.Out.WriteLine(ResultJson.Serialize(catalog.Gpus));
            return 0;
        }
        static string U(GpuSpec g, string field, double? v, string format) =>
            v is { } x ? x.ToString(format) + (g.UncertainFields.Contains(field) ? " [?]" : "") : "?";
        var specs = catalog.Gpus.Select(g => new[]
        {
            g.Id, g.Name, U(g, "memory_gb", g.MemoryGb, "0"), U(g, "memory_bandwidth_gb_per_s", g.MemoryBandwidthGbPerS, "N0"),
            U(g, "peak_dense_fp16_tflops", g.PeakDenseFp16Tflops, "N0"), U(g, "board_watts", g.BoardWatts, "N0"),
        }).ToList();
        context.Out.WriteLine("GPU specs (dense, no sparsity); ? = unknown, [?] = uncertain");
        context.Out.WriteLine();
        context.Out.Write(CostMarkdown.Table(["--gpu", "name", "memory GB", "bandwidth GB/s", "FP16 TFLOP/s", "board W"], specs, [false, false, true, true, true, true]));
        var prices = catalog.Gpus.SelectMany(g => g.Prices.Select(p => new[]
        {
            $"{g.Id}:{p.Provider}" + (p.Provider == g.DefaultProvider ? " (default)" : ""),
            $"{p.DollarsPerGpuHour:0.00#}" + (p.Uncertain ? " [?]" : ""),
            p.Seen,
            p.Note ?? "",
        })).ToList();
        context.Out.WriteLine();
        context.Out.WriteLine("Rent, USD per GPU-hour (use as --gpu NAME:PROVIDER)");
        context.Out.WriteLine();
        context.Out.Write(CostMarkdown.Table(["--gpu", "$/GPU-h", "seen", "note"], prices, [false, true, false, false]));
        context.Out.WriteLine();
        context.Out.WriteLine($"Source: {string.Join("; ", catalog.Gpus.SelectMany(g => g.Prices.Select(p => p.Source)).Distinct())}");
        return 0;
    }
}

internal sealed class RatesWorkloadsCommand : CliCommand<NoSettings>
{
    public override string Name => "workloads";
    public override string Summary => "the named workload profiles";
    public override string Usage => $"{EntryPoint.Name} rates workloads";

    protected override int Execute(NoSettings s, CliContext context)
    {
        var rows = Workloads.All.Select(w =>
        {
            var s = w.ToSpec();
            return new[] { w.Name, $"{s.InputTokens:N0}", $"{s.CachedInputTokens:N0} ({w.CachedPrefixShare * 100:0}%)", $"{s.OutputTokens:N0}", $"{s.ReasoningTokens:N0}", w.Description };
        }).ToList();
        context.Out.Write(CostMarkdown.Table(["--workload", "input", "cached prefix", "output", "reasoning", "what"], rows, [false, true, true, true, true, false]));
        return 0;
    }
}

internal sealed class RatesImportSettings
{
    public string Format { get; set; } = "litellm";
    public string File { get; set; } = "";
    public string Out { get; set; } = "rates-litellm.json";
    public string? Seen { get; set; }
}

internal sealed class RatesImportCommand : CliCommand<RatesImportSettings>
{
    public override string Name => "import";
    public override string Summary => "convert LiteLLM's price file (per token) to this tool's rate cards (per million tokens)";
    public override string Usage => $"{EntryPoint.Name} rates import litellm <model_prices_and_context_window.json> [--out FILE] [--seen YYYY-MM-DD]";
    public override string Description => "Reports what it skipped and why. Use the file it writes with --rates FILE.\n" +
        "Dates: --seen, else the file's (or entry's) last_updated, else the file's modification date.";

    public RatesImportCommand()
    {
        Argument(s => s.Format, "format", "the source format", choices: ["litellm"]);
        Argument(s => s.File, "file", "LiteLLM's model_prices_and_context_window.json");
        Option(s => s.Out, "--out", "FILE", "where the rate cards go");
        Option(s => s.Seen, "--seen", "DATE", "the date the prices were seen (YYYY-MM-DD)", defaultText: "the file's modification date");
    }

    protected override int Execute(RatesImportSettings s, CliContext context)
    {
        if (s.Format != "litellm") throw ValueParsers.Usage($"rates import reads litellm files only (got '{s.Format}'); usage: {Usage}");
        var file = s.File;
        var outPath = s.Out;
        var seen = s.Seen;
        if (seen is not null && !DateOnly.TryParseExact(seen, "yyyy-MM-dd", out _))
            throw ValueParsers.Usage($"--seen '{seen}' is not a date; write YYYY-MM-DD");
        if (!File.Exists(file))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"LiteLLM price file '{file}' does not exist; download model_prices_and_context_window.json from the LiteLLM repository");
        var modified = File.GetLastWriteTimeUtc(file).ToString("yyyy-MM-dd");

        var result = LiteLlmImport.Parse(File.ReadAllText(file), file, modified, seen);
        AtomicFile.Write(outPath, RateCards.Serialize(result.Rates, $"imported from {Path.GetFileName(file)} (LiteLLM, per token x 1e6); seen = {result.SeenSource}"));
        context.Out.WriteLine($"imported {result.Rates.Count} rate cards from {file} into {outPath} (use with --rates {outPath}); prices seen: {result.SeenSource}");
        var zero = result.Rates.Where(r => r.PricedZeroInSource).ToList();
        if (zero.Count > 0)
            context.Out.WriteLine($"{zero.Count} priced $0 in the source (kept, flagged; comparisons say so): {string.Join(", ", zero.Take(5).Select(r => r.Key))}{(zero.Count > 5 ? ", ..." : "")}");
        if (result.Conflicts.Count > 0)
        {
            context.Out.WriteLine($"{result.Conflicts.Count} conflicting duplicates (same provider/model, different prices; the first entry was kept):");
            foreach (var c in context.Verbose ? result.Conflicts : result.Conflicts.Take(5)) context.Out.WriteLine($"  {c.Key}: {c.Message}");
            if (!context.Verbose && result.Conflicts.Count > 5) context.Out.WriteLine("  ... (--verbose lists all)");
        }
        if (result.Skipped.Count > 0)
        {
            context.Out.WriteLine($"skipped {result.Skipped.Count}:");
            foreach (var group in result.Skipped.GroupBy(s => s.Category.Length > 0 ? s.Category : ReasonKind(s.Message)))
            {
                var keys = group.Select(s => context.Verbose ? $"{s.Key} ({s.Message})" : s.Key).ToList();
                var shown = context.Verbose ? keys : keys.Take(5).ToList();
                context.Out.WriteLine($"  {group.Count()} x {group.Key}: {string.Join(", ", shown)}{(shown.Count < keys.Count ? $", ... (--verbose lists all)" : "")}");
            }
        }
        if (result.Notes.Count > 0)
        {
            context.Out.WriteLine($"{result.Notes.Count} notes on imported entries (price keys not modelled, tier fallbacks, $0 prices...):");
            foreach (var n in context.Verbose ? result.Notes : result.Notes.Take(5)) context.Out.WriteLine($"  {n.Key}: {n.Message}");
            if (!context.Verbose && result.Notes.Count > 5) context.Out.WriteLine("  ... (--verbose lists all)");
        }
        return 0;
    }

    /// <summary>Groups skip reasons that differ only in detail ("mode 'embedding'..." stays whole; numbers are not).</summary>
    private static string ReasonKind(string message)
    {
        int paren = message.IndexOf(" (", StringComparison.Ordinal);
        return paren > 0 && !message.StartsWith("no per-token", StringComparison.Ordinal) ? message[..paren] : message;
    }
}

using System.Text.Json;
using InferenceEconomics.Economics;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;

namespace InferenceEconomics.Cli.Commands;

/// <summary>`rates`: list API rate cards, GPU prices and workloads; import LiteLLM's price file.</summary>
public sealed class RatesCommand : ICliCommand
{
    public string Name => "rates";
    public string Summary => "list or import API rate cards; list GPU prices and workload profiles";
    public string Help => """
        Usage: ./run.sh rates [list] [--provider NAME] [--rates FILE] [--json]   API prices, $ per million tokens
               ./run.sh rates gpus [--json]                                     GPU specs and rent, $ per GPU-hour
               ./run.sh rates workloads                                         the named workload profiles
               ./run.sh rates import litellm <model_prices_and_context_window.json> [--out FILE] [--seen YYYY-MM-DD]
                   converts LiteLLM's price file (per token) to this tool's format (per million tokens);
                   reports what it skipped and why. Default --out: rates-litellm.json; use it with --rates FILE.
                   Dates: --seen, else the file's (or entry's) last_updated, else the file's modification date.
        "?" is an unknown price (never 0); [?] marks an uncertain figure.
        """;
    public IReadOnlyList<string> Examples =>
        ["./run.sh rates list --provider anthropic", "./run.sh rates import litellm model_prices_and_context_window.json --out my-rates.json"];

    public int Run(CliArgs args, CliContext context)
    {
        var verb = args.Positionals.Count > 0 ? args.Positionals[0] : "list";
        switch (verb)
        {
            case "list": return List(args, context);
            case "gpus": return Gpus(args, context);
            case "workloads": return ListWorkloads(args, context);
            case "import": return Import(args, context);
            default:
                throw CliArgs.Usage($"unknown rates action '{verb}'{Common.Suggest.DidYouMean(verb, ["list", "gpus", "workloads", "import"])}; see ./run.sh rates --help");
        }
    }

    private static int List(CliArgs args, CliContext context)
    {
        var provider = args.String("--provider");
        var file = args.String("--rates");
        bool json = args.Flag("--json");
        args.EnsureAllUsed();
        ExpectPositionals(args, 1);
        var cards = RateCards.LoadOrBuiltIn(file);
        var rates = cards.Rates.Where(r => provider is null || r.Provider.Equals(provider, StringComparison.OrdinalIgnoreCase)).ToList();
        if (provider is not null && rates.Count == 0)
            throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"no rates from provider '{provider}'{Common.Suggest.DidYouMean(provider, cards.Rates.Select(r => r.Provider).Distinct())}; providers: {string.Join(", ", cards.Rates.Select(r => r.Provider).Distinct())}");
        if (json) { context.Out.WriteLine(RateCards.Serialize(rates).TrimEnd()); return 0; }

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
            ["provider/model", "input", "output", "cached in", "cache write 5m / 1h", "reasoning", "batch in / out", "long context in / out", "blended 3:1", "seen"],
            rows, [false, true, true, true, true, true, true, false, true, false]));
        var sources = rates.Select(r => r.Source).Distinct().ToList();
        context.Out.WriteLine();
        context.Out.WriteLine($"{rates.Count} models. Source{(sources.Count > 1 ? "s" : "")}: {string.Join("; ", sources)}");
        return 0;
    }

    private static int Gpus(CliArgs args, CliContext context)
    {
        bool json = args.Flag("--json");
        args.EnsureAllUsed();
        ExpectPositionals(args, 1);
        var catalog = HardwareCatalog.BuiltIn();
        if (json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(catalog.Gpus, ResultJson.Options));
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

    private static int ListWorkloads(CliArgs args, CliContext context)
    {
        args.EnsureAllUsed();
        ExpectPositionals(args, 1);
        var rows = Workloads.All.Select(w =>
        {
            var s = w.ToSpec();
            return new[] { w.Name, $"{s.InputTokens:N0}", $"{s.CachedInputTokens:N0} ({w.CachedPrefixShare * 100:0}%)", $"{s.OutputTokens:N0}", $"{s.ReasoningTokens:N0}", w.Description };
        }).ToList();
        context.Out.Write(CostMarkdown.Table(["--workload", "input", "cached prefix", "output", "reasoning", "what"], rows, [false, true, true, true, true, false]));
        return 0;
    }

    private static int Import(CliArgs args, CliContext context)
    {
        var outPath = args.String("--out") ?? "rates-litellm.json";
        var seen = args.String("--seen");
        args.EnsureAllUsed();
        if (args.Positionals.Count < 3 || args.Positionals[1] != "litellm")
            throw CliArgs.Usage("usage: ./run.sh rates import litellm <model_prices_and_context_window.json> [--out FILE]");
        ExpectPositionals(args, 3);
        var file = args.Positionals[2];
        if (seen is not null && !DateOnly.TryParseExact(seen, "yyyy-MM-dd", out _))
            throw CliArgs.Usage($"--seen '{seen}' is not a date; write YYYY-MM-DD");
        if (!File.Exists(file))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"LiteLLM price file '{file}' does not exist; download model_prices_and_context_window.json from the LiteLLM repository");
        var modified = File.GetLastWriteTimeUtc(file).ToString("yyyy-MM-dd");

        var result = LiteLlmImport.Parse(File.ReadAllText(file), file, modified, seen);
        ResultStore.WriteAtomic(outPath, RateCards.Serialize(result.Rates, $"imported from {Path.GetFileName(file)} (LiteLLM, per token x 1e6); seen = {result.SeenSource}"));
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

    private static void ExpectPositionals(CliArgs args, int count)
    {
        if (args.Positionals.Count > count)
            throw CliArgs.Usage($"unexpected argument '{args.Positionals[count]}'; see ./run.sh rates --help");
    }
}

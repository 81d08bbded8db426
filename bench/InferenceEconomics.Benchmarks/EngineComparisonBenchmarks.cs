using InferenceEconomics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using InferenceEconomics.Common;
using InferenceEconomics.Engines;
using InferenceEconomics.Engines.GenAi;
using InferenceEconomics.Engines.Ort;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;

namespace InferenceEconomics.Benchmarks;

/// <summary>
/// OrtEngine (own loop on plain ONNX Runtime) against GenAiEngine (ONNX Runtime GenAI's loop) on the CPU,
/// side by side in one run: same model, same prompt ids, same scenario. Two categories, each with GenAI as
/// the baseline, so the Ratio column is OrtEngine's time / GenAI's time and the throughput ratio is its inverse:
///  - prefill: one repetition with G = 1 (prompt pass + first-token choice) over a P-token prompt;
///  - decode: a 16-token prompt, then G = 33 (32 decode steps dominate the time).
/// Models: IE_BENCH_MODELS, comma-separated model specs (a folder, an alias, or synthetic:&lt;preset&gt;, with an
/// optional @fp32|@int4|@fp16 precision); default synthetic:tiny and synthetic:llama-3.2-1b@int4.
///   dotnet run -c Release --project bench/InferenceEconomics.Benchmarks -- --filter '*EngineComparison*'
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class EngineComparisonBenchmarks
{
    private const int DecodePrompt = 16, DecodeGen = 33;

    /// <summary>Prompt tokens of the prefill category (IE_BENCH_PROMPT, default 64).</summary>
    private static int PrefillPrompt => int.TryParse(Environment.GetEnvironmentVariable("IE_BENCH_PROMPT"), out var p) && p > 0 ? p : 64;

    public static IEnumerable<string> Models() =>
        (Environment.GetEnvironmentVariable("IE_BENCH_MODELS") is { Length: > 0 } list ? list : "synthetic:tiny,synthetic:llama-3.2-1b@int4")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [Params(1)]
    public int Batch { get; set; }

    private ResolvedModel _model = null!;
    private IInferenceEngine _engine = null!;
    private int[] _prefillIds = null!, _decodeIds = null!;

    [GlobalSetup(Targets = [nameof(GenAi_Prefill), nameof(GenAi_Decode)])]
    public void SetupGenAi() => Setup(m => new GenAiEngine(m, new EngineOptions { Engine = EngineKind.GenAi }));

    [GlobalSetup(Targets = [nameof(Ort_Prefill), nameof(Ort_Decode)])]
    public void SetupOrt() => Setup(m => new OrtEngine(m, new EngineOptions { Engine = EngineKind.Ort }));

    private void Setup(Func<ResolvedModel, IInferenceEngine> create)
    {
        var parts = Model.Split('@');
        var request = new ModelRequest { Precision = parts.Length > 1 ? ModelResolver.ParsePrecision(parts[1]) : null };
        _model = new ModelResolver(ProjectPaths.Discover()).Resolve(parts[0], request);
        _engine = create(_model);
        _prefillIds = PromptGenerator.Generate(_model.Config, Batch, PrefillPrompt, 42);
        _decodeIds = PromptGenerator.Generate(_model.Config, Batch, DecodePrompt, 43);
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("prefill")]
    public long GenAi_Prefill() => _engine.Run(new GenerationRequest(Batch, PrefillPrompt, 1, _prefillIds)).FirstTokenEnd;

    [Benchmark, BenchmarkCategory("prefill")]
    public long Ort_Prefill() => _engine.Run(new GenerationRequest(Batch, PrefillPrompt, 1, _prefillIds)).FirstTokenEnd;

    [Benchmark(Baseline = true), BenchmarkCategory("decode")]
    public long GenAi_Decode() => _engine.Run(new GenerationRequest(Batch, DecodePrompt, DecodeGen, _decodeIds)).StepEnds[^1];

    [Benchmark, BenchmarkCategory("decode")]
    public long Ort_Decode() => _engine.Run(new GenerationRequest(Batch, DecodePrompt, DecodeGen, _decodeIds)).StepEnds[^1];
}

/// <summary>
/// OrtEngine against GenAiEngine with the harness's own phase figures: each round runs one repetition
/// on each engine in random order (<see cref="PairedComparison"/>) and records prefill and decode
/// tokens/s exactly as result.json does (METRICS.md); quoted: the median per-round throughput ratio
/// OrtEngine / GenAI. Models as for <see cref="EngineComparisonBenchmarks"/> (IE_BENCH_MODELS). Run:
///   dotnet run -c Release --project bench/InferenceEconomics.Benchmarks -- engines-paired [rounds]
/// </summary>
public static class PairedEngineComparison
{
    public static void Run(int rounds)
    {
        const int p = 64, g = 33;
        foreach (var spec in EngineComparisonBenchmarks.Models())
        {
            var parts = spec.Split('@');
            var request = new ModelRequest { Precision = parts.Length > 1 ? ModelResolver.ParsePrecision(parts[1]) : null };
            var model = new ModelResolver(ProjectPaths.Discover()).Resolve(parts[0], request);
            using var genai = new GenAiEngine(model, new EngineOptions { Engine = EngineKind.GenAi });
            using var ort = new OrtEngine(model, new EngineOptions { Engine = EngineKind.Ort });
            foreach (int b in new[] { 1, 4 })
            {
                var ids = PromptGenerator.Generate(model.Config, b, p, 42);
                var clock = RunClock.StartNew();
                PairedComparison.MetricVariant Of(string name, IInferenceEngine e) => new(name, () =>
                {
                    var rep = RepetitionMetrics.ToSample(e.Run(new GenerationRequest(b, p, g, ids)), clock);
                    // The catalog's formulas, as result.json computes them.
                    var one = new ScenarioResult { Id = "bench", BatchSize = b, PromptTokens = p, GenTokens = g, Status = ScenarioStatus.Ok, Repetitions = [rep] };
                    return [MetricCatalog.PrefillTps.Samples(one)[0], MetricCatalog.DecodeTps.Samples(one)[0]];
                });
                var rows = PairedComparison.RunMetrics([Of("genai", genai), Of("ort", ort)], 2, rounds);
                foreach (var (metric, k) in new[] { ("prefill tok/s", 0), ("decode tok/s", 1) })
                {
                    var o = rows[k][1];
                    Console.WriteLine(FormattableString.Invariant(
                        $"| {spec} | {b} | {metric} | {rows[k][0].MedianSeconds:F1} | {o.MedianSeconds:F1} | {o.MedianRatioToBaseline:F3} ({o.RatioP25:F3}..{o.RatioP75:F3}) |"));
                }
            }
        }
    }

    public static void PrintHeader(int rounds)
    {
        Console.WriteLine($"P=64, G=33, {rounds} interleaved rounds; ratio = OrtEngine / GenAI throughput (median per round, p25..p75)");
        Console.WriteLine("| model | B | figure | GenAI | OrtEngine | ratio |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|");
    }
}

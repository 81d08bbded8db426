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
    public void SetupGenAi() => Setup(m => new GenAiEngine(m, new EngineOptions { Engine = "genai" }));

    [GlobalSetup(Targets = [nameof(Ort_Prefill), nameof(Ort_Decode)])]
    public void SetupOrt() => Setup(m => new OrtEngine(m, new EngineOptions { Engine = "ort" }));

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

using BenchmarkDotNet.Attributes;
using InferenceEconomics.Common;
using InferenceEconomics.Engines;
using InferenceEconomics.Engines.GenAi;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace InferenceEconomics.Benchmarks;

/// <summary>
/// Harness overhead: the harness's measured repetition (GenAiEngine.Run with a timestamp per step,
/// then conversion to a sample) against a bare GenAI loop doing the same generation with no timing,
/// on the same model and prompt. Decode dominates (P small, G large), so the ratio is the cost of the
/// harness on decode throughput. Goal: ratio &lt;= 1.01.
/// </summary>
[MemoryDiagnoser]
public class HarnessOverheadBenchmarks
{
    private const int P = 16, G = 128;

    [Params(1, 8)]
    public int Batch { get; set; }

    /// <summary>Model spec: synthetic:tiny by default; IE_BENCH_MODEL overrides (a folder or synthetic:&lt;preset&gt;).</summary>
    private ResolvedModel _model = null!;
    private GenAiEngine _engine = null!;
    private OgaHandle _handle = null!;
    private Model _bareModel = null!;
    private Config _bareConfig = null!;
    private int[] _ids = null!;
    private RunClock _clock = null!;

    [GlobalSetup]
    public void Setup()
    {
        var spec = Environment.GetEnvironmentVariable("IE_BENCH_MODEL") ?? "synthetic:tiny";
        _model = new ModelResolver(ProjectPaths.Discover()).Resolve(spec, new ModelRequest());
        _engine = new GenAiEngine(_model, new EngineOptions());
        _handle = new OgaHandle();
        _bareConfig = new Config(_model.Directory);
        _bareConfig.ClearProviders();
        _bareModel = new Model(_bareConfig);
        _ids = PromptGenerator.Generate(_model.Config, Batch, P, 42);
        _clock = RunClock.StartNew();
    }

    [Benchmark(Baseline = true, Description = "bare GenAI loop")]
    public int BareLoop()
    {
        using var gp = new GeneratorParams(_bareModel);
        gp.SetSearchOption("batch_size", Batch);
        gp.SetSearchOption("max_length", P + G);
        gp.SetSearchOption("min_length", P + G);
        gp.SetSearchOption("do_sample", false);
        using var gen = new Generator(_bareModel, gp);
        gen.AppendTokens(_ids);
        int n = 0;
        while (!gen.IsDone()) { gen.GenerateNextToken(); n++; }
        return n;
    }

    [Benchmark(Description = "harness repetition")]
    public double Harness()
    {
        var t = _engine.Run(new GenerationRequest(Batch, P, G, _ids));
        return RepetitionMetrics.ToSample(t, _clock).StepSeconds.Count;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _bareModel.Dispose();
        _bareConfig.Dispose();
        _handle.Dispose();
    }
}

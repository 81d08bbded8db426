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
/// on the same loaded model (one ONNX Runtime session) and prompt. Decode dominates (P small, G large), so the ratio is the cost of the
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
    private Model _bareModel = null!;
    private int[] _ids = null!;
    private RunClock _clock = null!;

    [GlobalSetup]
    public void Setup()
    {
        var spec = Environment.GetEnvironmentVariable("IE_BENCH_MODEL") ?? "synthetic:tiny";
        _model = new ModelResolver(ProjectPaths.Discover()).Resolve(spec, new ModelRequest());
        _engine = new GenAiEngine(_model, new EngineOptions());
        _bareModel = _engine.NativeModel; // one session for both loops: only the harness differs
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
    }
}

/// <summary>
/// The harness repetition against the bare GenAI loop, interleaved (<see cref="PairedComparison"/>). Run:
///   dotnet run -c Release --project bench/InferenceEconomics.Benchmarks -- harness-paired [rounds]
/// </summary>
public static class PairedHarnessOverhead
{
    public static void Run(int rounds)
    {
        foreach (int batch in new[] { 1, 8 })
        {
            var b = new HarnessOverheadBenchmarks { Batch = batch };
            b.Setup();
            var rows = PairedComparison.Run(
            [
                new("bare GenAI loop", () => Time(() => b.BareLoop())),
                new("harness repetition", () => Time(() => b.Harness())),
            ], rounds);
            b.Cleanup();
            PairedComparison.Print($"batch {batch}: P=16, G=128 per repetition (generator creation and prefill included on both sides), {rounds} interleaved rounds", rows);
        }
    }

    private static double Time(Action a)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        a();
        return System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }
}

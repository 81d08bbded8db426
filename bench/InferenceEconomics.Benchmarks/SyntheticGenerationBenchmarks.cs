using BenchmarkDotNet.Attributes;
using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Benchmarks;

/// <summary>
/// Synthetic model generation against disk speed: the baseline writes the same number of bytes
/// (zeros, same 8 MiB writes) with no generation, so the Ratio column is the builder's cost over the disk.
/// Run: dotnet run -c Release --project bench/InferenceEconomics.Benchmarks -- --filter '*SyntheticGeneration*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 5)]
public class SyntheticGenerationBenchmarks
{
    private string _dir = "";
    private long _bytes;
    private byte[] _zeros = [];

    [Params(WeightPrecision.Fp32, WeightPrecision.Int4)]
    public WeightPrecision Precision { get; set; }

    /// <summary>tiny widened to 8 layers: ~50 MB fp32, big enough to measure throughput, small enough for CI disks.</summary>
    private SyntheticSpec Spec => new(SyntheticPresets.Get("tiny") with { Layers = 8 }, Precision, SyntheticSpec.DefaultIo(Precision), 1234, "bench");

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ie-bench-synth-" + Guid.NewGuid().ToString("N")[..8]);
        var r = SyntheticModelBuilder.Build(Spec, Path.Combine(_dir, "probe"));
        _bytes = r.TotalBytes;
        _zeros = new byte[8 << 20];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Benchmark(Baseline = true, Description = "write same bytes (disk only)")]
    public long DiskOnly()
    {
        var path = Path.Combine(_dir, "disk.bin");
        using (var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.SequentialScan))
            for (long left = _bytes; left > 0; left -= _zeros.Length)
                f.Write(_zeros, 0, (int)Math.Min(left, _zeros.Length));
        return _bytes;
    }

    [Benchmark(Description = "SyntheticModelBuilder.Build")]
    public long Build() => SyntheticModelBuilder.Build(Spec, Path.Combine(_dir, "model")).TotalBytes;
}

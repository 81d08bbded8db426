using System.Security.Cryptography;
using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>The cache reuses identical requests, separates different ones, and never keeps a half-built model.</summary>
public sealed class SyntheticCacheTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "ie-synth-cache-" + Guid.NewGuid().ToString("N")[..8]);
    // One layer keeps these builds at a fraction of a second.
    private static SyntheticSpec Small(WeightPrecision p = WeightPrecision.Int4, int seed = 1234) =>
        new(SyntheticPresets.Get("tiny") with { Layers = 1 }, p, SyntheticSpec.DefaultIo(p), seed, "tiny-custom");

    public void Dispose()
    {
        try { Directory.Delete(_cache, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void SecondRequestReusesTheFolderWithoutRebuilding()
    {
        var first = SyntheticModelCache.GetOrBuild(Small(), _cache, out bool built1);
        var data = Path.Combine(first, "model.onnx.data");
        var mtime = File.GetLastWriteTimeUtc(data);
        var onnxTime = File.GetLastWriteTimeUtc(Path.Combine(first, "model.onnx"));

        var second = SyntheticModelCache.GetOrBuild(Small(), _cache, out bool built2);

        Assert.True(built1);
        Assert.False(built2);
        Assert.Equal(first, second);
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(data));
        Assert.Equal(onnxTime, File.GetLastWriteTimeUtc(Path.Combine(first, "model.onnx")));
        Assert.True(SyntheticModelCache.IsCached(Small(), _cache));
        Assert.Single(Directory.GetDirectories(_cache)); // no leftovers beside it
    }

    [Fact]
    public void DifferentSeedsAndPrecisionsGetDifferentFolders()
    {
        var a = SyntheticModelCache.GetOrBuild(Small(seed: 1), _cache);
        var b = SyntheticModelCache.GetOrBuild(Small(seed: 2), _cache);
        var c = SyntheticModelCache.GetOrBuild(Small(WeightPrecision.Fp32, seed: 1), _cache);
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        // Different seeds really give different weights; the same seed gives the same bytes (see below).
        Assert.NotEqual(Sha(Path.Combine(a, "model.onnx.data")), Sha(Path.Combine(b, "model.onnx.data")));
    }

    [Fact]
    public void SameSpecBuildsIdenticalFiles()
    {
        var x = Path.Combine(_cache, "x");
        var y = Path.Combine(_cache, "y");
        SyntheticModelBuilder.Build(Small(), x);
        SyntheticModelBuilder.Build(Small(), y);
        foreach (var f in new[] { "model.onnx", "model.onnx.data", "genai_config.json" })
            Assert.Equal(Sha(Path.Combine(x, f)), Sha(Path.Combine(y, f)));
    }

    [Fact]
    public void InterruptedBuildLeavesNoUsableLookingFolder()
    {
        using var cts = new CancellationTokenSource();
        var progress = new CancelAt(0.3, cts); // cancel a third of the way through the data file
        var spec = new SyntheticSpec(SyntheticPresets.Get("tiny") with { Layers = 12 }, WeightPrecision.Fp32, IoDType.Float32, 5, "tiny-custom");
        Assert.ThrowsAny<OperationCanceledException>(() => SyntheticModelCache.GetOrBuild(spec, _cache, progress, cts.Token));
        Assert.True(progress.Seen > 0 && progress.Seen < 1, $"cancelled mid-build (progress {progress.Seen})");
        Assert.False(SyntheticModelCache.IsCached(spec, _cache));
        Assert.Empty(Directory.GetDirectories(_cache)); // neither the final folder nor the partial one

        // The next request builds it cleanly.
        var dir = SyntheticModelCache.GetOrBuild(spec, _cache, out bool built);
        Assert.True(built);
        InferenceEconomics.Models.Onnx.OnnxModelInspector.Validate(dir, "model.onnx");
    }

    [Fact]
    public void ProgressRisesToOne()
    {
        var seen = new List<double>();
        SyntheticModelBuilder.Build(Small(WeightPrecision.Fp32), Path.Combine(_cache, "p"), new SyncProgress(seen.Add));
        Assert.True(seen.Count >= 2);
        Assert.Equal(1.0, seen[^1]);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second >= p.First), "progress never goes back");
    }

    [Fact]
    public void HashDependsOnEveryFieldAndIsStable()
    {
        var s = Small();
        Assert.Equal(s.Hash(), Small().Hash());
        Assert.Matches("^[0-9a-f]{12}$", s.Hash());
        var variants = new[]
        {
            s with { Seed = 99 }, s with { Precision = WeightPrecision.Fp32, Io = IoDType.Float32 }, s with { Io = IoDType.Float16 },
            s with { Shape = s.Shape with { Layers = 2 } }, s with { Shape = s.Shape with { VocabSize = 8193 } },
            s with { Shape = s.Shape with { RopeTheta = 500000 } }, s with { Shape = s.Shape with { ContextLength = 4096 } },
        };
        Assert.Equal(variants.Length + 1, variants.Select(v => v.Hash()).Append(s.Hash()).Distinct().Count());
    }

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    private sealed class CancelAt(double at, CancellationTokenSource cts) : IProgress<double>
    {
        public double Seen { get; private set; }
        public void Report(double value) { Seen = value; if (value >= at) cts.Cancel(); }
    }
}

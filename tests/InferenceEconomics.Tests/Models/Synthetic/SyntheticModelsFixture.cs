using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>
/// The tiny preset built once per test run, in each precision, in a private temp folder
/// (deleted afterwards). Building is lazy: a test that needs only fp32 pays only for fp32.
/// </summary>
public sealed class SyntheticModelsFixture : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ie-synth-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<WeightPrecision, string> _built = [];
    private readonly object _lock = new();

    public static SyntheticSpec Tiny(WeightPrecision p, int seed = 1234) => SyntheticSpec.ForPreset("tiny", p, seed);

    public string Folder(WeightPrecision p)
    {
        lock (_lock)
        {
            if (!_built.TryGetValue(p, out var dir))
            {
                dir = Path.Combine(Root, SyntheticSpec.PrecisionName(p));
                SyntheticModelBuilder.Build(Tiny(p), dir);
                _built[p] = dir;
            }
            return dir;
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Tests that run native ONNX Runtime / GenAI sessions: serialized, never beside other collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OrtCollection : ICollectionFixture<SyntheticModelsFixture>
{
    public const string Name = "Synthetic ONNX Runtime";
}

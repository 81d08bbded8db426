// TEMPORARY: stands in for the synthetic builder until branch 'synth' is merged; deleted then.
namespace InferenceEconomics.Models.Synthetic
{
    public sealed record SyntheticPreset(string Name, ModelShape Shape);
    public static class SyntheticPresets
    {
        public static IReadOnlyList<string> Names => ["tiny"];
        public static SyntheticPreset Get(string name) => throw new InferenceEconomicsException(ErrorKind.UnknownPreset, "pending");
    }
    public sealed record SyntheticSpec(ModelShape Shape, WeightPrecision Precision, IoDType Io, int Seed = 1234, string? PresetName = null);
    public static class SyntheticModelCache
    {
        public static string GetOrBuild(SyntheticSpec spec, string cacheDir, IProgress<double>? progress, CancellationToken ct) => throw new NotImplementedException();
    }
}
namespace InferenceEconomics.Models.Onnx
{
    public static class OnnxModelInspector
    {
        public static void Validate(string modelDir, string onnxFileName) { }
    }
}

using System.Globalization;

namespace InferenceEconomics.Results.Comparison;

/// <summary>What a run measured and where: the part of a result that decides which scenarios are comparable.</summary>
public sealed record RunIdentity(
    string RunId,
    DateTimeOffset StartedUtc,
    string Host,
    string Hardware,
    string Model,
    string Shape,
    WeightPrecision Precision,
    EngineKind Engine,
    Device Device,
    bool SyntheticWeights)
{
    public static RunIdentity Of(RunResult r) => new(
        r.RunId, r.StartedUtc, r.Environment.Host, HardwareOf(r), r.Model.Name, ShapeOf(r.Model), r.Model.Precision,
        r.Engine.Name, r.Engine.Device, r.Model.Synthetic);

    /// <summary>
    /// Model shape without the weights: a synthetic model and the real one of the same shape run
    /// at the same speed, so they compare (the synthetic label still shows).
    /// </summary>
    public static string ShapeOf(ModelInfo m) => string.Create(CultureInfo.InvariantCulture,
        $"{m.ModelType} L{m.Layers} h{m.HiddenSize} heads{m.Heads}/{m.KvHeads}x{m.HeadSize} ffn{m.IntermediateSize?.ToString(CultureInfo.InvariantCulture) ?? "?"} vocab{m.VocabSize} io:{Words.Of(m.IoDType)}");

    /// <summary>The GPU(s) for a GPU run, else the CPU model: what history groups by.</summary>
    public static string HardwareOf(RunResult r)
    {
        bool gpuRun = r.Engine.Device.IsCuda;
        if (gpuRun && r.Environment.Gpus.Count > 0)
        {
            var groups = r.Environment.Gpus.GroupBy(g => g.Name).Select(g => g.Count() > 1 ? $"{g.Count()} x {g.Key}" : g.Key);
            return string.Join(" + ", groups);
        }
        return gpuRun ? r.Engine.Device.ToString() : r.Environment.CpuModel;
    }

    /// <summary>The run-level part of the matching key: shape + precision, engine, device kind.</summary>
    /// <remarks>"cuda:1" and "cuda" are the same kind of device (two machines compare).</remarks>
    public string MatchKey => $"{Shape} | {Precision} | {Engine} | {Device.Kind}";

    public static string ScenarioKey(ScenarioResult s) => ScenarioKey(s.BatchSize, s.PromptTokens, s.GenTokens);

    public static string ScenarioKey(int batchSize, int promptTokens, int genTokens) =>
        string.Create(CultureInfo.InvariantCulture, $"B{batchSize} P{promptTokens} G{genTokens}");
}

using InferenceEconomics.Hardware;
using InferenceEconomics.Metrics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>The hardware limits a run is held against, and where each figure comes from.</summary>
public sealed record RooflineLimits(double? BandwidthBytesPerSecond, string BandwidthSource, double? PeakFlops, string PeakFlopsSource);

/// <summary>How close one scenario came to the physical limit (1.0 = at the roofline).</summary>
internal sealed record ScenarioRoofline(
    double DecodeBytesPerStep,
    double DecodeFlopsPerStep,
    double? DecodeLowerBoundSeconds,
    double? DecodeEfficiency,
    double PrefillFlops,
    double? PrefillLowerBoundSeconds,
    double? PrefillEfficiency);

/// <summary>
/// docs/metrics.md "Roofline": decode step lower bound = max(bytes read / bandwidth, FLOPs / peak), bytes =
/// weights actually read per step (all but the embedding table, of which only B rows are gathered, and the
/// rotary caches) + the KV cache at the mean decode context P + G/2; FLOPs ~= 2 x params x B + attention.
/// Prefill lower bound = FLOPs / peak with FLOPs ~= 2 x params x B x P + causal attention.
/// Bandwidth: measured on the CPU (MemoryBandwidthProbe), from the hardware catalog for a GPU.
/// </summary>
internal static class Roofline
{
    public static RooflineLimits Limits(RunResult run, HardwareCatalog catalog)
    {
        var device = run.Engine.Device;
        if (device.IsCuda)
        {
            int index = device.Ordinal;
            var gpuName = index < run.Environment.Gpus.Count ? run.Environment.Gpus[index].Name : null;
            var spec = gpuName is null ? null : catalog.MatchDeviceName(gpuName);
            if (spec is null)
                return new RooflineLimits(null, gpuName is null ? "GPU not identified (no NVML)" : $"'{gpuName}' not in the hardware catalog", null, "unknown");
            bool fp16 = run.Model.IoDType == IoDType.Float16;
            return new RooflineLimits(
                spec.MemoryBandwidthGbPerS * 1e9, $"{spec.Name} catalog bandwidth ({spec.SpecSource})",
                fp16 ? spec.PeakDenseFp16Tflops * 1e12 : null,
                fp16 ? (spec.PeakDenseFp16Tflops is null ? "peak FP16 unknown" : $"{spec.Name} dense FP16 peak (catalog)") : "fp32 activations: no catalog peak applies");
        }
        return new RooflineLimits(run.Environment.MemoryBandwidthBytesPerSecond,
            run.Environment.MemoryBandwidthBytesPerSecond is null ? "CPU bandwidth not measured" : $"measured: {run.Environment.MemoryBandwidthMethod}",
            null, "CPU peak FLOP/s not known: bandwidth bound only");
    }

    public static ScenarioRoofline? For(ModelInfo m, ScenarioResult s, RooflineLimits limits)
    {
        if (s.Status != ScenarioStatus.Ok || m.WeightBytes is null) return null;
        int b = s.BatchSize, p = s.PromptTokens, g = s.GenTokens;
        double bytes = DecodeBytesPerStep(m, b, p, g);
        double decodeFlops = DecodeFlopsPerStep(m, b, p, g);
        double prefillFlops = PrefillFlops(m, b, p);
        double? decodeBound = Max(limits.BandwidthBytesPerSecond is double bw ? bytes / bw : null,
                                  limits.PeakFlops is double pk ? decodeFlops / pk : null);
        double? prefillBound = limits.PeakFlops is double peak ? prefillFlops / peak : null;
        return new ScenarioRoofline(bytes, decodeFlops, decodeBound,
            decodeBound / s.Median(MetricCatalog.Tpot), prefillFlops, prefillBound,
            prefillBound / s.Median(MetricCatalog.PrefillTime));
    }

    /// <summary>Bytes one decode step must read: weights less the embedding table and rotary caches, plus the KV cache at P + G/2.</summary>
    public static double DecodeBytesPerStep(ModelInfo m, int b, int p, int g)
    {
        int io = IoBytes(m);
        double embed = (double)m.VocabSize * m.HiddenSize * io;
        double rotary = (double)m.ContextLength * m.HeadSize * io; // cos + sin, [context, head/2] each
        double weights = Math.Max(0, m.WeightBytes!.Value - embed - rotary);
        return weights + KvBytes(m, b, p + g / 2.0);
    }

    /// <summary>2 x (parameters less the embedding) x B for the matmuls + 4 x layers x B x context x hidden for attention.</summary>
    public static double DecodeFlopsPerStep(ModelInfo m, int b, int p, int g) =>
        2.0 * MatmulParams(m) * b + 4.0 * m.Layers * b * (p + g / 2.0) * m.Heads * m.HeadSize;

    /// <summary>2 x (parameters less the embedding) x B x P + causal attention 2 x layers x B x P^2 x hidden.</summary>
    public static double PrefillFlops(ModelInfo m, int b, int p) =>
        2.0 * MatmulParams(m) * b * p + 2.0 * m.Layers * b * (double)p * p * m.Heads * m.HeadSize;

    public static double KvBytes(ModelInfo m, int b, double context) => 2.0 * m.Layers * m.KvHeads * m.HeadSize * IoBytes(m) * b * context;

    private static double MatmulParams(ModelInfo m)
    {
        if (m.ParameterCount is long pc) return pc - (double)m.VocabSize * m.HiddenSize;
        // Unknown intermediate size: attention projections and lm_head only would undercount, so use the
        // weight bytes at the precision's bytes per parameter (int4: half a byte plus a scale per 32).
        double perParam = m.Precision switch { WeightPrecision.Int4 => 0.5 + IoBytes(m) / 32.0, WeightPrecision.Fp16 => 2, _ => 4 };
        return Math.Max(0, (m.WeightBytes ?? 0) - (double)m.VocabSize * m.HiddenSize * IoBytes(m)) / perParam;
    }

    private static int IoBytes(ModelInfo m) => m.IoDType == IoDType.Float16 ? 2 : 4;

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}

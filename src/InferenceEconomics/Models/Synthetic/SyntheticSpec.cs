using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace InferenceEconomics.Models.Synthetic;

/// <summary>
/// One exact request for a synthetic builder-format model: shape, weight precision, I/O dtype and seed.
/// Valid pairs: fp32 weights + fp32 I/O (CPU), int4 + fp32 I/O (CPU), int4 + fp16 I/O (CUDA int4),
/// fp16 weights + fp16 I/O (CUDA fp16).
/// </summary>
public sealed record SyntheticSpec(ModelShape Shape, WeightPrecision Precision, IoDType Io, int Seed = SyntheticSpec.DefaultSeed, string? PresetName = null)
{
    /// <summary>Weight seed of every synthetic model unless one is asked for, so runs and "models synth" share cache entries.</summary>
    public const int DefaultSeed = 1234;

    /// <summary>The builder's I/O dtype for a precision: fp16 weights mean the CUDA form, else fp32 (CPU).</summary>
    public static IoDType DefaultIo(WeightPrecision p) => p == WeightPrecision.Fp16 ? IoDType.Float16 : IoDType.Float32;

    public static SyntheticSpec ForPreset(string preset, WeightPrecision precision, int seed = DefaultSeed) =>
        new(SyntheticPresets.Get(preset), precision, DefaultIo(precision), seed, SyntheticPresets.Canonical(preset));

    /// <summary>Throws Usage for a shape or precision pair the builder would never write.</summary>
    public void Validate()
    {
        var s = Shape;
        if (s.Layers < 1 || s.HiddenSize < 1 || s.Heads < 1 || s.KvHeads < 1 || s.IntermediateSize < 1 || s.VocabSize < 3 || s.ContextLength < 1)
            throw Bad("every shape number must be positive (vocab at least 3)");
        if (s.HiddenSize % s.Heads != 0) throw Bad($"hidden size {s.HiddenSize} is not a multiple of heads {s.Heads}");
        if (s.Heads % s.KvHeads != 0) throw Bad($"heads {s.Heads} is not a multiple of kv heads {s.KvHeads}");
        if (s.HeadSize % 2 != 0) throw Bad($"head size {s.HeadSize} must be even (rotary embedding)");
        if (Precision == WeightPrecision.Fp32 && Io != IoDType.Float32) throw Bad("fp32 weights need fp32 I/O");
        if (Precision == WeightPrecision.Fp16 && Io != IoDType.Float16) throw Bad("fp16 weights need fp16 I/O");
        if (!(s.RopeTheta > 0) || !(s.RmsNormEps > 0)) throw Bad("rope theta and rms eps must be positive");
    }

    private static InferenceEconomicsException Bad(string what) => new(ErrorKind.Usage, $"invalid synthetic model: {what}");

    /// <summary>Every field that changes the files, in a fixed text form (hashed for the cache folder name).</summary>
    public string CanonicalText()
    {
        var s = Shape;
        return string.Create(CultureInfo.InvariantCulture,
            $"format={SyntheticModelBuilder.FormatVersion};layers={s.Layers};hidden={s.HiddenSize};heads={s.Heads};kv={s.KvHeads};" +
            $"inter={s.IntermediateSize};vocab={s.VocabSize};ctx={s.ContextLength};theta={s.RopeTheta:R};eps={s.RmsNormEps:R};" +
            $"precision={Precision};io={Io};seed={Seed}");
    }

    /// <summary>Stable 12-hex-digit hash of <see cref="CanonicalText"/>.</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText())))[..12];

    public static string PrecisionName(WeightPrecision p) => p switch
    {
        WeightPrecision.Fp32 => "fp32", WeightPrecision.Fp16 => "fp16", WeightPrecision.Int4 => "int4", _ => p.ToString(),
    };

    public static string IoName(IoDType io) => io == IoDType.Float16 ? "fp16" : "fp32";

    /// <summary>Parses fp32|fp16|int4; Usage error otherwise.</summary>
    public static WeightPrecision ParsePrecision(string text) => text.ToLowerInvariant() switch
    {
        "fp32" or "float32" => WeightPrecision.Fp32,
        "fp16" or "float16" => WeightPrecision.Fp16,
        "int4" => WeightPrecision.Int4,
        _ => throw new InferenceEconomicsException(ErrorKind.Usage,
            $"precision '{text}' is not one of fp32, int4, fp16{Common.Suggest.DidYouMean(text, ["fp32", "int4", "fp16"])}"),
    };

    public static IoDType ParseIo(string text) => text.ToLowerInvariant() switch
    {
        "fp32" or "float32" => IoDType.Float32,
        "fp16" or "float16" => IoDType.Float16,
        _ => throw new InferenceEconomicsException(ErrorKind.Usage, $"I/O dtype '{text}' is not one of fp32, fp16"),
    };
}

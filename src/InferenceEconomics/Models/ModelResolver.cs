using InferenceEconomics.Common;
using InferenceEconomics.Models.Onnx;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Models;

/// <summary>What the user asked for besides the model name.</summary>
public sealed record ModelRequest
{
    /// <summary>Picks the alias variant and the synthetic default precision.</summary>
    public Device Device { get; init; } = Device.Cpu;
    /// <summary>Weight precision for synthetic models; null = the device default (cpu fp32, cuda fp16) or the alias variant's.</summary>
    public WeightPrecision? Precision { get; init; }
    public int Seed { get; init; } = SyntheticSpec.DefaultSeed;
}

/// <summary>
/// Turns --model into a loadable folder: a path with genai_config.json, an alias of
/// models/models.json (real weights if present, else a synthetic model of the same shape, loudly
/// labelled), or synthetic:&lt;preset&gt; (generated once into the git-ignored cache).
/// </summary>
internal sealed class ModelResolver(ProjectPaths paths)
{
    public const string SyntheticPrefix = "synthetic:";

    public ResolvedModel Resolve(string spec, ModelRequest request, IProgress<double>? buildProgress = null, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(spec))
            throw new InferenceEconomicsException(ErrorKind.Usage, "--model is empty; give a folder, an alias or synthetic:<preset>");
        bool cuda = request.Device.IsCuda;
        // A path to the config file itself means its folder.
        if (Path.GetFileName(spec) == GenAiConfig.FileName && File.Exists(spec)) spec = Path.GetDirectoryName(Path.GetFullPath(spec))!;

        if (spec.StartsWith(SyntheticPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var shape = SyntheticPresets.Get(spec[SyntheticPrefix.Length..]);
            var presetName = SyntheticPresets.Canonical(spec[SyntheticPrefix.Length..]);
            var precision = request.Precision ?? (cuda ? WeightPrecision.Fp16 : WeightPrecision.Fp32);
            return BuildSynthetic(SyntheticPrefix + presetName, shape, precision, cuda, request.Seed, presetName, buildProgress, ct);
        }

        var catalog = ModelCatalog.Load(paths.ModelCatalogFile);
        if (!LooksLikePath(spec) && catalog.Aliases.TryGetValue(spec, out var alias))
        {
            var variantKey = cuda ? "cuda" : "cpu";
            alias.Variants.TryGetValue(variantKey, out var variant);
            if (variant is not null)
            {
                var dir = Path.IsPathRooted(variant.Path) ? variant.Path : Path.Combine(paths.Root, variant.Path);
                if (File.Exists(Path.Combine(dir, GenAiConfig.FileName)))
                    return FromFolder(dir, spec) with { DisplayName = spec };
            }
            var aliasShape = SyntheticPresets.Get(alias.Preset);
            var aliasPrecision = request.Precision ?? (variant is not null ? ParsePrecision(variant.Precision) : (cuda ? WeightPrecision.Fp16 : WeightPrecision.Fp32));
            return BuildSynthetic(spec, aliasShape, aliasPrecision, cuda, request.Seed, alias.Preset, buildProgress, ct);
        }

        if (Directory.Exists(spec))
        {
            if (request.Precision is not null)
                throw new InferenceEconomicsException(ErrorKind.Usage, $"--precision applies to synthetic models only; '{spec}' is a model folder with fixed weights (drop --precision)");
            return FromFolder(spec, null);
        }
        // Something is there but it is no usable folder (a file, a link loop, no permission): say which.
        if (LooksLikePath(spec) && ModelFileAccess.Probe(spec, out var detail) is not PathState.Missing)
            throw ModelFileAccess.Unusable(spec, "a model folder", detail);
        if (LooksLikePath(spec))
            throw new InferenceEconomicsException(ErrorKind.ModelNotFound,
                $"model folder '{spec}' does not exist; give a folder with genai_config.json, an alias ({string.Join(", ", catalog.Aliases.Keys)}) or synthetic:<preset>");
        var names = catalog.Aliases.Keys.Concat(SyntheticPresets.Names.Select(n => SyntheticPrefix + n)).ToList();
        throw new InferenceEconomicsException(ErrorKind.ModelNotFound,
            $"unknown model '{spec}'{Suggest.DidYouMean(spec, names)}: not a folder, not an alias in models/models.json ({string.Join(", ", catalog.Aliases.Keys)}), and not synthetic:<preset> (presets: {string.Join(", ", SyntheticPresets.Names)})");
    }

    /// <summary>A folder made by the model builder (or by this tool's synthetic builder).</summary>
    public static ResolvedModel FromFolder(string directory, string? displayName)
    {
        var full = Path.GetFullPath(directory);
        var config = GenAiConfig.Load(full);
        var onnxPath = Path.Combine(full, config.Filename);
        var onnx = OnnxModelInspector.Validate(full, config.Filename);
        // The graph is the truth: the config must agree with it before anything loads or runs.
        var graph = ModelGraphFacts.From(onnx, onnxPath);
        ConfigGraphCheck.ThrowIfMismatch(config, graph, Path.Combine(full, GenAiConfig.FileName));
        // synthetic.json marks seeded random weights (written by the synthetic builder).
        var manifest = SyntheticFiles.TryReadManifest(full);
        bool synthetic = manifest is not null;
        string? syntheticOf = manifest?.Preset ?? (synthetic ? "custom shape" : null);
        return new ResolvedModel
        {
            Directory = full,
            DisplayName = displayName ?? (syntheticOf is not null ? $"synthetic:{syntheticOf}" : Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar))),
            Config = config,
            Synthetic = synthetic,
            SyntheticOf = syntheticOf,
            Precision = graph.Precision,
            Graph = graph,
            Shape = manifest?.Shape,
        };
    }

    private ResolvedModel BuildSynthetic(string displayName, ModelShape shape, WeightPrecision precision, bool cuda, int seed, string presetName,
        IProgress<double>? progress, CancellationToken ct)
    {
        // CPU kernels take fp32 activations for fp32 and int4 weights; fp16 weights mean the fp16 (CUDA) form.
        var io = precision == WeightPrecision.Fp16 ? IoDType.Float16 : IoDType.Float32;
        if (cuda && precision == WeightPrecision.Int4) io = IoDType.Float16;
        var spec = new SyntheticSpec(shape, precision, io, seed, presetName);
        var dir = SyntheticModelCache.GetOrBuild(spec, paths.SyntheticCacheDir, out bool built, progress, ct);
        var model = FromFolder(dir, displayName);
        return model with { Synthetic = true, SyntheticOf = presetName, Shape = shape, DisplayName = displayName, GeneratedNow = built };
    }

    public static WeightPrecision ParsePrecision(string s) => SyntheticSpec.ParsePrecision(s);

    private static bool LooksLikePath(string s) =>
        s.Contains('/') || s.Contains('\\') || s.StartsWith('.') || s.StartsWith('~');
}

using System.Globalization;
using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;
using InferenceEconomics.Reporting;

namespace InferenceEconomics.Cli.Commands;

/// <summary>`models list|cache|clean|synth`: synthetic builder-format models and the aliases of models/models.json.</summary>
internal static class ModelsCommands
{
    public static ICliCommand Group { get; } = new CommandGroup("models", "make and list models (synthetic builder-format models)",
        "synth writes model.onnx + model.onnx.data + genai_config.json (onnxruntime-genai builder format, Llama graph) and\n" +
        "synthetic.json, with seeded random weights of a real shape. Without --out the model goes to the cache\n" +
        "(models/cache, or $IE_MODEL_CACHE) and an identical request reuses it.",
        new ModelsListCommand(), new ModelsCacheCommand(), new ModelsCleanCommand(), new ModelsSynthCommand());
}

internal sealed class NoSettings;

internal sealed class ModelsListCommand : CliCommand<NoSettings>
{
    public override string Name => "list";
    public override string Summary => "synthetic presets and model aliases (with whether real weights are present)";
    public override string Usage => $"{EntryPoint.Name} models list";
    public override IReadOnlyList<string> Examples => [$"{EntryPoint.Name} models list"];

    protected override int Execute(NoSettings settings, CliContext context)
    {
        var o = context.Out;
        o.WriteLine("Synthetic presets (./run.sh models synth <preset>, or --model synthetic:<preset>):");
        o.WriteLine($"  {"preset",-14} {"layers",6} {"hidden",6} {"heads",5} {"kv",3} {"inter",6} {"vocab",7} {"context",7} {"params",8}  description");
        foreach (var name in SyntheticPresets.Names)
        {
            var s = SyntheticPresets.Get(name);
            o.WriteLine($"  {name,-14} {s.Layers,6} {s.HiddenSize,6} {s.Heads,5} {s.KvHeads,3} {s.IntermediateSize,6} {s.VocabSize,7} {s.ContextLength,7} {Format.Count(s.ParameterCount),8}  {SyntheticPresets.Description(name)}");
        }
        var file = context.Paths.ModelCatalogFile;
        var catalog = ModelCatalog.Load(file);
        if (catalog.Aliases.Count == 0) return 0;
        o.WriteLine();
        o.WriteLine($"Aliases ({file}; --model <alias>; without the real weights a synthetic model of the same shape runs, labelled):");
        foreach (var (alias, entry) in catalog.Aliases)
        {
            o.WriteLine($"  {alias,-14} {entry.Description} (shape: {entry.Preset})");
            foreach (var (device, v) in entry.Variants)
            {
                var dir = Path.IsPathRooted(v.Path) ? v.Path : Path.Combine(context.Paths.Root, v.Path);
                bool present = File.Exists(Path.Combine(dir, GenAiConfig.FileName));
                o.WriteLine($"    {device,-5} {v.Precision,-5} {(present ? "real weights present" : "real weights absent")}: {v.Path}{(present || v.Get is null ? "" : $"  (get: {v.Get})")}");
            }
        }
        return 0;
    }
}

internal sealed class ModelsCacheCommand : CliCommand<NoSettings>
{
    public override string Name => "cache";
    public override string Summary => "the generated synthetic models on disk, with sizes";
    public override string Usage => $"{EntryPoint.Name} models cache";
    public override IReadOnlyList<string> Examples => [$"{EntryPoint.Name} models cache"];

    protected override int Execute(NoSettings s, CliContext context)
    {
        var dir = context.Paths.SyntheticCacheDir;
        var entries = SyntheticModelCache.List(dir);
        int partial = entries.Count(e => e.State == SyntheticModelCache.EntryState.Partial);
        context.Out.WriteLine($"Synthetic model cache: {dir} ({entries.Count - partial} model(s){(partial > 0 ? $", {partial} partial build(s)" : "")}, {Format.Bytes(entries.Sum(e => e.Bytes))})");
        foreach (var e in entries)
        {
            var m = e.Manifest;
            string what = e.State switch
            {
                SyntheticModelCache.EntryState.Partial => $"PARTIAL: {e.Problem}",
                _ => (m is null ? "(no synthetic.json)" : $"{m.Preset ?? "custom"} {Words.Of(m.Precision)} io {SyntheticSpec.IoName(m.Io)} seed {m.Seed}")
                     + (e.State == SyntheticModelCache.EntryState.Damaged ? $"  DAMAGED: {e.Problem} (rebuilt when next used)" : ""),
            };
            context.Out.WriteLine($"  {Path.GetFileName(e.Directory),-44} {Format.Bytes(e.Bytes),10}  {e.LastWriteUtc:yyyy-MM-dd HH:mm}Z  {what}");
        }
        return 0;
    }
}

internal sealed class ModelsCleanSettings
{
    public bool All { get; set; }
    public List<string> Names { get; set; } = [];
}

internal sealed class ModelsCleanCommand : CliCommand<ModelsCleanSettings>
{
    public override string Name => "clean";
    public override string Summary => "delete cached synthetic models and interrupted (partial) builds (all, or by name)";
    public override string Usage => $"{EntryPoint.Name} models clean (--all | NAME ...)";
    public override IReadOnlyList<string> Examples => [$"{EntryPoint.Name} models clean phi-3-mini", $"{EntryPoint.Name} models clean --all"];

    public ModelsCleanCommand()
    {
        Argument(s => s.Names, "names", "folder names from \"models cache\", or presets", min: 0, max: int.MaxValue);
        Flag(s => s.All, "--all", "every cached model");
    }

    protected override int Execute(ModelsCleanSettings s, CliContext context)
    {
        bool all = s.All;
        var names = s.Names;
        if (all == (names.Count > 0)) throw ValueParsers.Usage("models clean needs --all or the names of cached models (models cache lists them), not both");
        var entries = SyntheticModelCache.List(context.Paths.SyntheticCacheDir);
        var chosen = all ? entries : entries.Where(e => names.Any(n =>
            Path.GetFileName(e.Directory).Equals(n, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(e.Manifest?.Preset, n, StringComparison.OrdinalIgnoreCase))).ToList();
        var unmatched = names.Where(n => !chosen.Any(e => Path.GetFileName(e.Directory).Equals(n, StringComparison.OrdinalIgnoreCase)
                                                       || string.Equals(e.Manifest?.Preset, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unmatched.Count > 0)
            throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"no cached model named {string.Join(", ", unmatched)}{Suggest.DidYouMean(unmatched[0], entries.Select(e => Path.GetFileName(e.Directory)).Concat(entries.Select(e => e.Manifest?.Preset ?? "").Where(p => p.Length > 0)).Distinct())}; see ./run.sh models cache");
        // A build still running keeps its partial folder (--all skips it; naming it is an error).
        var busy = chosen.Where(e => e.InUse).ToList();
        if (!all && busy.Count > 0) SyntheticModelCache.Remove(busy[0]);
        chosen = chosen.Except(busy).ToList();
        foreach (var e in chosen) SyntheticModelCache.Remove(e);
        int partial = chosen.Count(e => e.State == SyntheticModelCache.EntryState.Partial);
        context.Out.WriteLine($"removed {chosen.Count - partial} cached model(s){(partial > 0 ? $" and {partial} partial build(s)" : "")}, {Format.Bytes(chosen.Sum(e => e.Bytes))}; they are rebuilt when asked for again"
            + (busy.Count > 0 ? $"; kept {busy.Count} build(s) still running" : ""));
        return 0;
    }
}

internal sealed class ModelsSynthSettings
{
    public string Preset { get; set; } = SyntheticPresets.Default;
    public WeightPrecision Precision { get; set; } = WeightPrecision.Fp32;
    /// <summary>Activations dtype; null: the builder's for the precision (fp16 weights: fp16 I/O, else fp32).</summary>
    public IoDType? Io { get; set; }
    public int Seed { get; set; } = SyntheticSpec.DefaultSeed;
    public string? Out { get; set; }
    public bool Force { get; set; }
    public int? Layers { get; set; }
    public int? Hidden { get; set; }
    public int? Heads { get; set; }
    public int? KvHeads { get; set; }
    public int? Intermediate { get; set; }
    public int? Vocab { get; set; }
    public int? Context { get; set; }
}

internal sealed class ModelsSynthCommand : CliCommand<ModelsSynthSettings>
{
    private const string Shape = "Shape (override the preset's numbers; preset custom needs them all)";

    public override string Name => "synth";
    public override string Summary => "make a synthetic builder-format model of a real shape";
    public override string Usage => $"{EntryPoint.Name} models synth [preset] [options]";
    public override IReadOnlyList<string> Examples =>
    [
        $"{EntryPoint.Name} models synth tiny --precision int4",
        $"{EntryPoint.Name} models synth phi-3-mini --precision int4 --out /tmp/phi-int4",
        $"{EntryPoint.Name} models synth llama-3.1-8b --layers 4   # an 8B-wide model cut to 4 layers",
    ];

    public ModelsSynthCommand()
    {
        Argument(s => s.Preset, "preset", "a name from \"models list\", or custom with every shape flag", min: 0, max: 1,
            choices: [.. SyntheticPresets.Names, "custom"]);
        Option(s => s.Precision, "--precision", "P", "fp32 (CPU), int4 (MatMulNBits block 32, CPU), fp16 (CUDA form, fp16 I/O)");
        Option(s => s.Io, "--io", "DTYPE", "activations dtype for int4: fp32 (CPU form) or fp16 (CUDA form)", (_, t) => SyntheticSpec.ParseIo(t),
            defaultText: "fp16 for fp16 weights, else fp32", choices: ["fp32", "fp16"]);
        Option(s => s.Seed, "--seed", "N", "weight seed");
        Option(s => s.Out, "--out", "DIR", "write here instead of the cache (DIR must be empty or absent; --force replaces a model this tool wrote there and refuses any other folder, exit 2)");
        Flag(s => s.Force, "--force", "rebuild: with --out, over an earlier synthetic model; without, the cache entry");
        Option(s => s.Layers, "--layers", "N", "decoder layers", group: Shape);
        Option(s => s.Hidden, "--hidden", "N", "hidden size", group: Shape);
        Option(s => s.Heads, "--heads", "N", "attention heads", group: Shape);
        Option(s => s.KvHeads, "--kv-heads", "N", "key/value heads", group: Shape);
        Option(s => s.Intermediate, "--intermediate", "N", "MLP intermediate size", group: Shape);
        Option(s => s.Vocab, "--vocab", "N", "vocabulary size", group: Shape);
        Option(s => s.Context, "--context", "N", "context length", group: Shape);
    }

    protected override int Execute(ModelsSynthSettings s, CliContext context)
    {
        var overrides = new (string Flag, int? Value)[]
        {
            ("--layers", s.Layers), ("--hidden", s.Hidden), ("--heads", s.Heads), ("--kv-heads", s.KvHeads),
            ("--intermediate", s.Intermediate), ("--vocab", s.Vocab), ("--context", s.Context),
        };
        foreach (var (flag, value) in overrides)
            if (value is < 1) throw ValueParsers.Usage($"{flag} {value} must be 1 or more");
        ModelShape baseShape;
        string? preset;
        if (string.Equals(s.Preset, "custom", StringComparison.OrdinalIgnoreCase))
        {
            var missing = overrides.Where(o => o.Value is null).Select(o => o.Flag).ToList();
            if (missing.Count > 0) throw ValueParsers.Usage($"preset custom needs every shape flag; missing {string.Join(", ", missing)}");
            baseShape = new ModelShape(1, 1, 1, 1, 1, 1, 1);
            preset = null;
        }
        else
        {
            baseShape = SyntheticPresets.Get(s.Preset);
            preset = SyntheticPresets.Canonical(s.Preset);
        }
        var shape = baseShape with
        {
            Layers = s.Layers ?? baseShape.Layers,
            HiddenSize = s.Hidden ?? baseShape.HiddenSize,
            Heads = s.Heads ?? baseShape.Heads,
            KvHeads = s.KvHeads ?? baseShape.KvHeads,
            IntermediateSize = s.Intermediate ?? baseShape.IntermediateSize,
            VocabSize = s.Vocab ?? baseShape.VocabSize,
            ContextLength = s.Context ?? baseShape.ContextLength,
        };
        // A preset with changed numbers is no longer that model: name it custom (in the cache folder too).
        if (preset is not null && shape != baseShape) preset = $"{preset}-custom";
        var io = s.Io ?? SyntheticSpec.DefaultIo(s.Precision);
        var spec = new SyntheticSpec(shape, s.Precision, io, s.Seed, preset);
        spec.Validate();

        string folder = "";
        bool built = true;
        string? damaged = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool quiet = EstimateBytes(spec) <= 64L << 20;
        ConsoleProgress.Run(context, quiet, progress =>
        {
            var bar = ConsoleProgress.Fraction(progress, "generating");
            if (s.Out is null)
            {
                // --force without --out: build the cache entry anew even when it verifies.
                var r = SyntheticModelCache.Obtain(spec, context.Paths.SyntheticCacheDir, rebuild: s.Force, bar, context.Cancellation);
                (folder, built, damaged) = (r.Directory, r.Built, r.DamagedBecause);
            }
            else
            {
                folder = Path.GetFullPath(s.Out);
                bool created = SynthOutFolder.Prepare(folder, s.Force);
                try { SyntheticModelBuilder.Build(spec, folder, bar, context.Cancellation); }
                catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException)
                {
                    SynthOutFolder.RemoveWritten(folder, created); // only what this build wrote
                    throw;
                }
            }
            return 0;
        });
        var elapsed = clock.Elapsed;

        long bytes = new DirectoryInfo(folder).EnumerateFiles().Sum(f => f.Length);
        var o = context.Out;
        o.WriteLine($"{(damaged is not null ? $"rebuilt (cached copy was damaged: {damaged})" : built ? "built" : "reused (cached)")}: {folder}");
        o.WriteLine($"  preset {preset ?? "custom"}, {Words.Of(s.Precision)} weights, {SyntheticSpec.IoName(io)} I/O, seed {s.Seed} (synthetic weights)");
        o.WriteLine($"  shape: {shape.Layers} layers, hidden {shape.HiddenSize}, {shape.Heads} heads, {shape.KvHeads} kv heads, intermediate {shape.IntermediateSize}, vocab {shape.VocabSize}, context {shape.ContextLength}");
        o.WriteLine($"  parameters: {Format.Count(shape.ParameterCount)} ({shape.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)})");
        o.WriteLine($"  size: {Format.Bytes(bytes)}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  time: {elapsed.TotalSeconds:F1} s{(built && elapsed.TotalSeconds > 0 ? $" ({bytes / 1e6 / elapsed.TotalSeconds:F0} MB/s)" : "")}"));
        o.WriteLine($"  run it: {EntryPoint.Name} --model {folder}");
        return 0;
    }

    /// <summary>Rough size (weights dominate) to decide whether a progress bar is worth drawing.</summary>
    private static long EstimateBytes(SyntheticSpec spec) =>
        spec.Shape.ParameterCount * (spec.Precision switch { WeightPrecision.Fp32 => 4, WeightPrecision.Fp16 => 2, _ => 1 });
}

using System.Globalization;
using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Cli.Commands;

/// <summary>"models synth": make a synthetic builder-format model; "models list": presets and aliases.</summary>
public sealed class ModelsCommand : ICliCommand
{
    private static readonly string[] ShapeFlags = ["--layers", "--hidden", "--heads", "--kv-heads", "--intermediate", "--vocab", "--context"];

    public string Name => "models";
    public string Summary => "make and list models (synthetic builder-format models)";
    public string Help => """
        Usage:
          ./run.sh models list
          ./run.sh models cache                       the generated synthetic models on disk, with sizes
          ./run.sh models clean (--all | NAME ...)    delete cached synthetic models (NAME: a folder name from "models cache", or a preset)
          ./run.sh models synth [preset] [--precision fp32|int4|fp16] [--io fp32|fp16] [--out DIR] [--force] [--seed N]
                                [--layers N --hidden N --heads N --kv-heads N --intermediate N --vocab N --context N]

        synth writes model.onnx + model.onnx.data + genai_config.json (onnxruntime-genai builder format, Llama graph)
        and synthetic.json, with seeded random weights of a real shape. Without --out the model goes to the cache
        (models/cache, or $IE_MODEL_CACHE) and an identical request reuses it.
          preset        a name from "models list" (default tiny), or "custom" with every shape flag
          --precision   fp32 (CPU), int4 (MatMulNBits block 32, CPU), fp16 (CUDA form, fp16 I/O); default fp32
          --io          activations dtype for int4: fp32 (CPU form, default) or fp16 (CUDA form)
          --out DIR     write here instead of the cache (DIR must be empty or absent, or give --force)
          --seed N      weight seed (default 1234)
          shape flags   override the preset's numbers
        """;
    public IReadOnlyList<string> Examples =>
    [
        "./run.sh models list",
        "./run.sh models cache",
        "./run.sh models clean phi-3-mini",
        "./run.sh models synth tiny --precision int4",
        "./run.sh models synth phi-3-mini --precision int4 --out /tmp/phi-int4",
        "./run.sh models synth llama-3.1-8b --layers 4   # an 8B-wide model cut to 4 layers",
    ];

    public int Run(CliArgs args, CliContext context)
    {
        var sub = args.Positionals.Count > 0 ? args.Positionals[0] : null;
        return sub switch
        {
            "list" => List(args, context),
            "synth" => Synth(args, context),
            "cache" => Cache(args, context),
            "clean" => Clean(args, context),
            null => throw CliArgs.Usage("models needs a subcommand: list, synth, cache or clean (see ./run.sh models --help)"),
            _ => throw CliArgs.Usage($"unknown models subcommand '{sub}'{Common.Suggest.DidYouMean(sub, ["list", "synth", "cache", "clean"])}; use list, synth, cache or clean"),
        };
    }

    private static int List(CliArgs args, CliContext context)
    {
        if (args.Positionals.Count > 1) throw CliArgs.Usage($"models list takes no argument (got '{args.Positionals[1]}')");
        args.EnsureAllUsed();
        var o = context.Out;
        o.WriteLine("Synthetic presets (./run.sh models synth <preset>, or --model synthetic:<preset>):");
        o.WriteLine($"  {"preset",-14} {"layers",6} {"hidden",6} {"heads",5} {"kv",3} {"inter",6} {"vocab",7} {"context",7} {"params",8}  description");
        foreach (var name in SyntheticPresets.Names)
        {
            var s = SyntheticPresets.Get(name);
            o.WriteLine($"  {name,-14} {s.Layers,6} {s.HiddenSize,6} {s.Heads,5} {s.KvHeads,3} {s.IntermediateSize,6} {s.VocabSize,7} {s.ContextLength,7} {Reporting.RunSummaryTable.FormatCount(s.ParameterCount),8}  {SyntheticPresets.Description(name)}");
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

    private static int Cache(CliArgs args, CliContext context)
    {
        if (args.Positionals.Count > 1) throw CliArgs.Usage($"models cache takes no argument (got '{args.Positionals[1]}')");
        args.EnsureAllUsed();
        var dir = context.Paths.SyntheticCacheDir;
        var entries = SyntheticModelCache.List(dir);
        context.Out.WriteLine($"Synthetic model cache: {dir} ({entries.Count} model(s), {Reporting.RunSummaryTable.FormatBytes(entries.Sum(e => e.Bytes))})");
        foreach (var e in entries)
        {
            var m = e.Manifest;
            string what = m is null ? "(no synthetic.json)" : $"{m.Preset ?? "custom"} {SyntheticSpec.PrecisionName(m.Precision)} io {SyntheticSpec.IoName(m.Io)} seed {m.Seed}";
            context.Out.WriteLine($"  {Path.GetFileName(e.Directory),-44} {Reporting.RunSummaryTable.FormatBytes(e.Bytes),10}  {e.LastWriteUtc:yyyy-MM-dd HH:mm}Z  {what}");
        }
        return 0;
    }

    private static int Clean(CliArgs args, CliContext context)
    {
        bool all = args.Flag("--all");
        args.EnsureAllUsed();
        var names = args.Positionals.Skip(1).ToList();
        if (all == (names.Count > 0)) throw CliArgs.Usage("models clean needs --all or the names of cached models (./run.sh models cache), not both");
        var entries = SyntheticModelCache.List(context.Paths.SyntheticCacheDir);
        var chosen = all ? entries : entries.Where(e => names.Any(n =>
            Path.GetFileName(e.Directory).Equals(n, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(e.Manifest?.Preset, n, StringComparison.OrdinalIgnoreCase))).ToList();
        var unmatched = names.Where(n => !chosen.Any(e => Path.GetFileName(e.Directory).Equals(n, StringComparison.OrdinalIgnoreCase)
                                                       || string.Equals(e.Manifest?.Preset, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unmatched.Count > 0)
            throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"no cached model named {string.Join(", ", unmatched)}{Common.Suggest.DidYouMean(unmatched[0], entries.Select(e => Path.GetFileName(e.Directory)).Concat(entries.Select(e => e.Manifest?.Preset ?? "").Where(p => p.Length > 0)).Distinct())}; see ./run.sh models cache");
        foreach (var e in chosen) SyntheticModelCache.Remove(e);
        context.Out.WriteLine($"removed {chosen.Count} cached model(s), {Reporting.RunSummaryTable.FormatBytes(chosen.Sum(e => e.Bytes))}; they are rebuilt when asked for again");
        return 0;
    }

    private static int Synth(CliArgs args, CliContext context)
    {
        if (args.Positionals.Count > 2) throw CliArgs.Usage($"models synth takes one preset (got '{string.Join(" ", args.Positionals.Skip(1))}')");
        string presetArg = args.Positionals.Count > 1 ? args.Positionals[1] : SyntheticPresets.Default;
        var precision = SyntheticSpec.ParsePrecision(args.String("--precision", "fp32"));
        var ioText = args.String("--io");
        var io = ioText is null ? SyntheticSpec.DefaultIo(precision) : SyntheticSpec.ParseIo(ioText);
        int seed = args.Int("--seed", 0) ?? 1234;
        string? outDir = args.String("--out");
        bool force = args.Flag("--force");
        var overrides = ShapeFlags.ToDictionary(f => f, f => args.Int(f, 1));
        args.EnsureAllUsed();

        ModelShape baseShape;
        string? preset;
        if (string.Equals(presetArg, "custom", StringComparison.OrdinalIgnoreCase))
        {
            var missing = ShapeFlags.Where(f => overrides[f] is null).ToList();
            if (missing.Count > 0) throw CliArgs.Usage($"preset custom needs every shape flag; missing {string.Join(", ", missing)}");
            baseShape = new ModelShape(1, 1, 1, 1, 1, 1, 1);
            preset = null;
        }
        else
        {
            baseShape = SyntheticPresets.Get(presetArg);
            preset = SyntheticPresets.Canonical(presetArg);
        }
        var shape = baseShape with
        {
            Layers = overrides["--layers"] ?? baseShape.Layers,
            HiddenSize = overrides["--hidden"] ?? baseShape.HiddenSize,
            Heads = overrides["--heads"] ?? baseShape.Heads,
            KvHeads = overrides["--kv-heads"] ?? baseShape.KvHeads,
            IntermediateSize = overrides["--intermediate"] ?? baseShape.IntermediateSize,
            VocabSize = overrides["--vocab"] ?? baseShape.VocabSize,
            ContextLength = overrides["--context"] ?? baseShape.ContextLength,
        };
        // A preset with changed numbers is no longer that model: name it custom (in the cache folder too).
        if (preset is not null && shape != baseShape) preset = $"{preset}-custom";
        var spec = new SyntheticSpec(shape, precision, io, seed, preset);
        spec.Validate();

        using var bar = new ProgressBar(context.Error, enabled: EstimateBytes(spec) > 64L << 20 && !Console.IsErrorRedirected);
        string folder;
        bool built = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (outDir is null)
        {
            folder = SyntheticModelCache.GetOrBuild(spec, context.Paths.SyntheticCacheDir, out built, bar, context.Cancellation);
        }
        else
        {
            folder = Path.GetFullPath(outDir);
            PrepareOutDir(folder, force);
            try { SyntheticModelBuilder.Build(spec, folder, bar, context.Cancellation); }
            catch (OperationCanceledException) { TryDelete(folder); throw; }
        }
        bar.Done();
        var elapsed = clock.Elapsed;

        long bytes = new DirectoryInfo(folder).EnumerateFiles().Sum(f => f.Length);
        var o = context.Out;
        o.WriteLine($"{(built ? "built" : "reused (cached)")}: {folder}");
        o.WriteLine($"  preset {preset ?? "custom"}, {SyntheticSpec.PrecisionName(precision)} weights, {SyntheticSpec.IoName(io)} I/O, seed {seed} (synthetic weights)");
        o.WriteLine($"  shape: {shape.Layers} layers, hidden {shape.HiddenSize}, {shape.Heads} heads, {shape.KvHeads} kv heads, intermediate {shape.IntermediateSize}, vocab {shape.VocabSize}, context {shape.ContextLength}");
        o.WriteLine($"  parameters: {Reporting.RunSummaryTable.FormatCount(shape.ParameterCount)} ({shape.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)})");
        o.WriteLine($"  size: {FormatBytes(bytes)}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  time: {elapsed.TotalSeconds:F1} s{(built && elapsed.TotalSeconds > 0 ? $" ({bytes / 1e6 / elapsed.TotalSeconds:F0} MB/s)" : "")}"));
        o.WriteLine($"  run it: {EntryPoint.Name} --model {folder}");
        return 0;
    }

    private static void PrepareOutDir(string dir, bool force)
    {
        if (File.Exists(dir)) throw CliArgs.Usage($"--out {dir} is a file; give a folder");
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            if (!force) throw CliArgs.Usage($"--out {dir} is not empty; give an empty or new folder, or --force to replace its contents");
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Rough size (weights dominate) to decide whether a progress bar is worth drawing.</summary>
    private static long EstimateBytes(SyntheticSpec spec) =>
        spec.Shape.ParameterCount * (spec.Precision switch { WeightPrecision.Fp32 => 4, WeightPrecision.Fp16 => 2, _ => 1 });


    internal static string FormatBytes(long b) => b switch
    {
        >= 1L << 30 => (b / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (b / (double)(1L << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        _ => (b / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
    };

    /// <summary>A one-line bar redrawn in place on stderr; reports arrive on the writing thread (no Progress&lt;T&gt; posting).</summary>
    private sealed class ProgressBar(TextWriter error, bool enabled) : IProgress<double>, IDisposable
    {
        private int _last = -1;
        private bool _drawn;

        public void Report(double value)
        {
            if (!enabled) return;
            int pct = (int)Math.Clamp(value * 100, 0, 100);
            if (pct == _last) return;
            _last = pct;
            int filled = pct * 30 / 100;
            error.Write($"\rgenerating [{new string('#', filled)}{new string('.', 30 - filled)}] {pct,3}%");
            error.Flush();
            _drawn = true;
        }

        public void Done()
        {
            if (_drawn) { error.Write("\r" + new string(' ', 50) + "\r"); error.Flush(); _drawn = false; }
        }

        public void Dispose() => Done();
    }
}

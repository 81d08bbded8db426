using System.Diagnostics;

namespace InferenceEconomics.Models.Synthetic;

/// <summary>
/// Generated models, one folder per exact request (name = preset, precision and a hash of the spec),
/// reused when identical. A build happens in a hidden ".partial" sibling renamed into place at the
/// end, so an interrupted build never leaves a folder that looks usable.
/// </summary>
public static class SyntheticModelCache
{
    private static readonly string[] RequiredFiles =
        [SyntheticModelBuilder.OnnxFileName, SyntheticModelBuilder.DataFileName, GenAiConfig.FileName, SyntheticFiles.ManifestFileName];

    public static string FolderName(SyntheticSpec spec)
    {
        string io = spec.Precision == WeightPrecision.Int4 && spec.Io == IoDType.Float16 ? "-fp16io" : "";
        return $"{spec.PresetName ?? "custom"}-{SyntheticSpec.PrecisionName(spec.Precision)}{io}-{spec.Hash()}";
    }

    /// <summary>True when the cache already holds a complete model for <paramref name="spec"/>.</summary>
    public static bool IsCached(SyntheticSpec spec, string cacheDir) => IsComplete(Path.Combine(cacheDir, FolderName(spec)));

    /// <summary>The folder holding the model for <paramref name="spec"/>, built first when absent.</summary>
    public static string GetOrBuild(SyntheticSpec spec, string cacheDir, IProgress<double>? progress = null, CancellationToken ct = default) =>
        GetOrBuild(spec, cacheDir, out _, progress, ct);

    /// <summary>As <see cref="GetOrBuild(SyntheticSpec,string,IProgress{double}?,CancellationToken)"/>; <paramref name="built"/> says whether this call generated it.</summary>
    public static string GetOrBuild(SyntheticSpec spec, string cacheDir, out bool built, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        spec.Validate();
        string name = FolderName(spec);
        string final = Path.Combine(cacheDir, name);
        built = false;
        if (IsComplete(final)) return final;
        Directory.CreateDirectory(cacheDir);
        RemoveStalePartials(cacheDir, name);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true); // incomplete (hand-edited): rebuild

        string temp = Path.Combine(cacheDir, $".{name}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            SyntheticModelBuilder.Build(spec, temp, progress, ct);
            try { Directory.Move(temp, final); built = true; }
            catch (IOException) when (IsComplete(final)) { Directory.Delete(temp, recursive: true); } // another process won the race
            return final;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static bool IsComplete(string dir) => Directory.Exists(dir) && RequiredFiles.All(f => File.Exists(Path.Combine(dir, f)));

    /// <summary>Partial folders left by a killed build of the same model (its process is gone).</summary>
    private static void RemoveStalePartials(string cacheDir, string name)
    {
        foreach (var dir in Directory.EnumerateDirectories(cacheDir, $".{name}.partial-*"))
        {
            var parts = Path.GetFileName(dir)[(name.Length + 10)..].Split('-');
            if (parts.Length > 0 && int.TryParse(parts[0], out int pid) && !ProcessAlive(pid)) TryDelete(dir);
        }
    }

    private static bool ProcessAlive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A model in the cache, for listing and cleaning.</summary>
    public sealed record Entry(string Directory, SyntheticManifest? Manifest, long Bytes, DateTime LastWriteUtc);

    /// <summary>Every complete model in the cache (partial builds excluded), largest first.</summary>
    public static IReadOnlyList<Entry> List(string cacheDir)
    {
        if (!System.IO.Directory.Exists(cacheDir)) return [];
        return System.IO.Directory.GetDirectories(cacheDir)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && IsComplete(d))
            .Select(d => new Entry(d, SyntheticFiles.TryReadManifest(d),
                new DirectoryInfo(d).EnumerateFiles().Sum(f => f.Length), System.IO.Directory.GetLastWriteTimeUtc(d)))
            .OrderByDescending(e => e.Bytes).ToList();
    }

    /// <summary>Deletes one cached model folder (a later request rebuilds it).</summary>
    public static void Remove(Entry entry) => System.IO.Directory.Delete(entry.Directory, recursive: true);
}

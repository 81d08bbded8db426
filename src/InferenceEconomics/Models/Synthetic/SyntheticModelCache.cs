using System.Diagnostics;

namespace InferenceEconomics.Models.Synthetic;

/// <summary>What <see cref="SyntheticModelCache.Obtain"/> did: reused, built, or rebuilt a damaged copy (and why).</summary>
public sealed record SyntheticCacheResult(string Directory, bool Built, string? DamagedBecause);

/// <summary>
/// Generated models, one folder per exact request (name = preset, precision and a hash of the spec),
/// reused when identical and intact. A build happens in a hidden ".partial" sibling renamed into place at the
/// end, so an interrupted build never leaves a folder that looks usable; a killed build's partial folder is
/// listed (as partial) and removed by <see cref="Remove"/>. Before reuse every file is checked against the
/// sizes and hashes recorded at build time (<see cref="SyntheticIntegrity"/>); a damaged copy is rebuilt.
/// Only folders this tool made (its marker or synthetic.json) are ever deleted.
/// </summary>
public static class SyntheticModelCache
{
    private const string PartialTag = ".partial-";

    public static string FolderName(SyntheticSpec spec)
    {
        string io = spec.Precision == WeightPrecision.Int4 && spec.Io == IoDType.Float16 ? "-fp16io" : "";
        return $"{spec.PresetName ?? "custom"}-{SyntheticSpec.PrecisionName(spec.Precision)}{io}-{spec.Hash()}";
    }

    /// <summary>True when the cache already holds an intact model for <paramref name="spec"/>.</summary>
    public static bool IsCached(SyntheticSpec spec, string cacheDir)
    {
        var dir = Path.Combine(cacheDir, FolderName(spec));
        return Directory.Exists(dir) && SyntheticIntegrity.Verify(dir) is null;
    }

    /// <summary>The folder holding the model for <paramref name="spec"/>, built first when absent or damaged.</summary>
    public static string GetOrBuild(SyntheticSpec spec, string cacheDir, IProgress<double>? progress = null, CancellationToken ct = default) =>
        Obtain(spec, cacheDir, progress: progress, ct: ct).Directory;

    /// <summary>As <see cref="GetOrBuild(SyntheticSpec,string,IProgress{double}?,CancellationToken)"/>; <paramref name="built"/> says whether this call generated it.</summary>
    public static string GetOrBuild(SyntheticSpec spec, string cacheDir, out bool built, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        var r = Obtain(spec, cacheDir, progress: progress, ct: ct);
        built = r.Built;
        return r.Directory;
    }

    /// <summary>
    /// Reuses the cached model for <paramref name="spec"/> when it verifies, else builds it (again).
    /// <paramref name="rebuild"/> builds anew even over an intact copy.
    /// </summary>
    public static SyntheticCacheResult Obtain(SyntheticSpec spec, string cacheDir, bool rebuild = false, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        spec.Validate();
        string name = FolderName(spec);
        string final = Path.Combine(cacheDir, name);
        string? damaged = null;
        if (Directory.Exists(final))
        {
            damaged = SyntheticIntegrity.Verify(final);
            if (damaged is null && !rebuild) return new SyntheticCacheResult(final, false, null);
        }
        Directory.CreateDirectory(cacheDir);
        RemoveStalePartials(cacheDir, name);
        if (Directory.Exists(final)) DeleteOwnFolder(final);

        string temp = Path.Combine(cacheDir, $".{name}{PartialTag}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            SyntheticModelBuilder.Build(spec, temp, progress, ct);
            try { Directory.Move(temp, final); }
            catch (IOException) when (Directory.Exists(final) && SyntheticIntegrity.Verify(final) is null)
            {
                Directory.Delete(temp, recursive: true); // another process won the race
                return new SyntheticCacheResult(final, false, null);
            }
            return new SyntheticCacheResult(final, true, rebuild ? null : damaged);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Deletes a cache folder only when this tool made it (its marker or synthetic.json is there); anything else
    /// at that name is the user's: refuse (FileAccess) rather than delete it.
    /// </summary>
    private static void DeleteOwnFolder(string dir)
    {
        if (!SyntheticIntegrity.IsToolFolder(dir) && !File.Exists(Path.Combine(dir, SyntheticFiles.ManifestFileName)))
            throw new InferenceEconomicsException(ErrorKind.FileAccess,
                $"'{dir}' is in the synthetic model cache but was not made by this tool (no {SyntheticIntegrity.MarkerFileName} or {SyntheticFiles.ManifestFileName}); move it elsewhere and rerun");
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Partial folders left by a killed build of the same model (its process is gone).</summary>
    private static void RemoveStalePartials(string cacheDir, string name)
    {
        foreach (var dir in Directory.EnumerateDirectories(cacheDir, $".{name}{PartialTag}*"))
            if (PartialOwner(dir) is int pid && !ProcessAlive(pid)) TryDelete(dir);
    }

    /// <summary>The process id a partial folder's name carries (".name.partial-PID-GUID"), or null for other names.</summary>
    private static int? PartialOwner(string dir)
    {
        var n = Path.GetFileName(dir);
        int at = n.LastIndexOf(PartialTag, StringComparison.Ordinal);
        if (!n.StartsWith('.') || at < 0) return null;
        var parts = n[(at + PartialTag.Length)..].Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], out int pid) ? pid : null;
    }

    private static bool ProcessAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
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

    public enum EntryState
    {
        /// <summary>Every file as it was written.</summary>
        Intact,
        /// <summary>A finished model whose files no longer match their record (it is rebuilt when next asked for).</summary>
        Damaged,
        /// <summary>An unfinished build: interrupted (its process is gone) or still being written.</summary>
        Partial,
    }

    /// <summary>A model in the cache, for listing and cleaning. <see cref="Problem"/> says why it is damaged or partial.</summary>
    public sealed record Entry(string Directory, SyntheticManifest? Manifest, long Bytes, DateTime LastWriteUtc, EntryState State = EntryState.Intact, string? Problem = null)
    {
        /// <summary>A partial folder whose build is still running (never removed).</summary>
        public bool InUse => State == EntryState.Partial && PartialOwner(Directory) is int pid && ProcessAlive(pid);
    }

    /// <summary>Every model folder this tool made in the cache, partial builds included, largest first.</summary>
    public static IReadOnlyList<Entry> List(string cacheDir)
    {
        if (!System.IO.Directory.Exists(cacheDir)) return [];
        var entries = new List<Entry>();
        foreach (var d in System.IO.Directory.GetDirectories(cacheDir))
        {
            long bytes = new DirectoryInfo(d).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            var time = System.IO.Directory.GetLastWriteTimeUtc(d);
            if (PartialOwner(d) is int pid)
            {
                string why = ProcessAlive(pid) ? $"being built now (process {pid})" : "interrupted build; models clean removes it";
                entries.Add(new Entry(d, null, bytes, time, EntryState.Partial, why));
                continue;
            }
            if (Path.GetFileName(d).StartsWith('.')) continue;
            bool tools = SyntheticIntegrity.IsToolFolder(d) || File.Exists(Path.Combine(d, SyntheticFiles.ManifestFileName));
            if (!tools) continue; // not ours: never listed, never removed
            SyntheticManifest? manifest = null;
            string? problem;
            try { manifest = SyntheticFiles.TryReadManifest(d); problem = SyntheticIntegrity.Verify(d); }
            catch (InferenceEconomicsException e) { problem = e.Message; }
            entries.Add(new Entry(d, manifest, bytes, time, problem is null ? EntryState.Intact : EntryState.Damaged, problem));
        }
        return entries.OrderByDescending(e => e.Bytes).ToList();
    }

    /// <summary>Deletes one cached model folder or partial build (a later request rebuilds it).</summary>
    public static void Remove(Entry entry)
    {
        if (entry.InUse)
            throw new InferenceEconomicsException(ErrorKind.FileAccess, $"'{entry.Directory}' is being built by process {PartialOwner(entry.Directory)}; let it finish or stop it first");
        System.IO.Directory.Delete(entry.Directory, recursive: true);
    }
}

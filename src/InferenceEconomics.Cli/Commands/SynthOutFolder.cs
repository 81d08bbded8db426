using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Models;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Cli.Commands;

/// <summary>
/// "models synth --out DIR [--force]": the folder must be new or empty; --force replaces only a synthetic model this
/// tool wrote there (its marker file lists every file it wrote) and refuses anything else with exit 2, leaving the
/// folder untouched. Nothing the tool did not write is ever deleted.
/// </summary>
internal static class SynthOutFolder
{
    /// <summary>Makes <paramref name="dir"/> ready for a build; true when the folder does not exist yet (the build creates it).</summary>
    public static bool Prepare(string dir, bool force)
    {
        switch (ModelFileAccess.Probe(dir, out var detail))
        {
            case PathState.Missing: return true;
            case PathState.File: throw ValueParsers.Usage($"--out {dir} is a file; give a folder");
            case PathState.Directory: break;
            default: throw ModelFileAccess.Unusable(dir, "a folder", detail);
        }
        var entries = Directory.EnumerateFileSystemEntries(dir).Select(e => Path.GetFileName(e)!).ToList();
        if (entries.Count == 0) return false;
        if (!force) throw ValueParsers.Usage($"--out {dir} is not empty; give an empty or new folder, or --force to replace a synthetic model this tool wrote there");

        var written = SyntheticIntegrity.ReadMarker(dir)
            ?? throw ValueParsers.Usage($"--out {dir} was not made by this tool (it has no valid {SyntheticIntegrity.MarkerFileName}); --force replaces only a synthetic model written by {EntryPoint.Name} models synth: give an empty or new folder");
        var ours = written.Select(f => f.Name).Append(SyntheticIntegrity.MarkerFileName).ToHashSet(StringComparer.Ordinal);
        var foreign = entries.Where(e => !ours.Contains(e)).ToList();
        if (foreign.Count > 0)
            throw ValueParsers.Usage($"--out {dir} holds {foreign.Count} file(s) this tool did not write ({string.Join(", ", foreign.Take(5))}{(foreign.Count > 5 ? ", ..." : "")}); move them away or give another folder");
        // The files first, the marker last: an interruption leaves a folder that is still recognisably the tool's.
        foreach (var f in written)
        {
            var path = Path.Combine(dir, f.Name);
            if (File.Exists(path)) File.Delete(path);
        }
        File.Delete(Path.Combine(dir, SyntheticIntegrity.MarkerFileName));
        return false;
    }

    /// <summary>After a failed or cancelled build: removes what the builder writes, and the folder when the build created it.</summary>
    public static void RemoveWritten(string dir, bool created)
    {
        try
        {
            foreach (var name in SyntheticModelBuilder.WrittenFiles.Append(SyntheticIntegrity.MarkerFileName).Append(SyntheticIntegrity.MarkerFileName + ".tmp"))
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path)) File.Delete(path);
            }
            if (created && Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

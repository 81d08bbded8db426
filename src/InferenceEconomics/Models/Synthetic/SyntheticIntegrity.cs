using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceEconomics.Models.Synthetic;

/// <summary>
/// The marker the synthetic builder writes last into every folder it makes (<see cref="MarkerFileName"/>): it says
/// the folder is this tool's (so that "models synth --out DIR --force" may replace it, and nothing else) and records
/// each file's size and hash, so that a cached model is verified before it is reused.
/// Hashes: SHA-256 of every small file (model.onnx holds the graph only; the JSON files) and, for the external
/// data file, which can be many GB, a sampled SHA-256: its length plus <see cref="SampleCount"/> blocks of
/// <see cref="SampleBytes"/> at evenly spaced offsets (first and last included), about 1 MiB read whatever its size.
/// Truncation, extension and overwritten regions are caught; a flipped bit between samples is not (weights are
/// random anyway, and every structural fault is in the graph or the sizes, which are checked in full).
/// </summary>
public static class SyntheticIntegrity
{
    public const string MarkerFileName = ".inference-economics-model.json";
    public const string MadeBy = "InferenceEconomics synthetic builder";
    public const int SampleCount = 16;
    public const int SampleBytes = 64 << 10;

    /// <summary>What the marker records about one file.</summary>
    public sealed record FileRecord(string Name, long Bytes, string Hash, bool Sampled);

    /// <summary>Writes the marker over the files the builder wrote (call last: it is what makes the folder complete).</summary>
    internal static void WriteMarker(string dir, IEnumerable<string> fileNames, string sampledFile)
    {
        var files = new JsonObject();
        foreach (var name in fileNames)
        {
            var path = Path.Combine(dir, name);
            bool sampled = name == sampledFile;
            files[name] = new JsonObject
            {
                ["bytes"] = new FileInfo(path).Length,
                [sampled ? "sampled_sha256" : "sha256"] = sampled ? SampledSha256(path) : FullSha256(path),
            };
        }
        var root = new JsonObject
        {
            ["made_by"] = MadeBy,
            ["note"] = "this folder was written by InferenceEconomics; 'models synth --out <this folder> --force' may replace the files listed here, and nothing else",
            ["format_version"] = SyntheticModelBuilder.FormatVersion,
            ["sampling"] = $"sampled_sha256: SHA-256 of the length and {SampleCount} blocks of {SampleBytes} bytes at evenly spaced offsets",
            ["files"] = files,
        };
        var tmp = Path.Combine(dir, MarkerFileName + ".tmp");
        File.WriteAllText(tmp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(tmp, Path.Combine(dir, MarkerFileName), overwrite: true);
    }

    /// <summary>
    /// The files the marker of <paramref name="dir"/> lists, or null when the folder has no valid marker
    /// (it was not made by this tool, or by a version before markers).
    /// </summary>
    public static IReadOnlyList<FileRecord>? ReadMarker(string dir)
    {
        var path = Path.Combine(dir, MarkerFileName);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            if (root?["made_by"] is not JsonValue by || !by.TryGetValue<string>(out var s) || s != MadeBy) return null;
            if (root["files"] is not JsonObject files) return null;
            var list = new List<FileRecord>();
            foreach (var (name, node) in files)
            {
                if (name.Contains('/') || name.Contains('\\') || name is "." or ".." || node is not JsonObject f) return null;
                long bytes = f["bytes"]?.GetValue<long>() ?? -1;
                string? full = f["sha256"]?.GetValue<string>(), sampled = f["sampled_sha256"]?.GetValue<string>();
                if (bytes < 0 || (full ?? sampled) is null) return null;
                list.Add(new FileRecord(name, bytes, (full ?? sampled)!, full is null));
            }
            return list;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="dir"/> carries a valid marker of this tool.</summary>
    public static bool IsToolFolder(string dir) => ReadMarker(dir) is not null;

    /// <summary>Null when every file the marker lists is there with its size and hash; else what is wrong, in a few words.</summary>
    public static string? Verify(string dir)
    {
        var files = ReadMarker(dir);
        if (files is null) return $"no valid {MarkerFileName} (interrupted, or made by an older version)";
        foreach (var f in files)
        {
            var path = Path.Combine(dir, f.Name);
            if (!File.Exists(path)) return $"{f.Name} is missing";
            long size;
            try { size = new FileInfo(path).Length; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"{f.Name} cannot be read ({e.Message})"; }
            if (size != f.Bytes)
                return string.Create(CultureInfo.InvariantCulture, $"{f.Name} has {size} bytes, {f.Bytes} were written");
            string actual;
            try { actual = f.Sampled ? SampledSha256(path) : FullSha256(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"{f.Name} cannot be read ({e.Message})"; }
            if (!string.Equals(actual, f.Hash, StringComparison.OrdinalIgnoreCase))
                return $"{f.Name} is not the file that was written (its {(f.Sampled ? "sampled " : "")}SHA-256 differs)";
        }
        return null;
    }

    public static string FullSha256(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    /// <summary>SHA-256 of the file's length and <see cref="SampleCount"/> evenly spaced blocks (the whole file when it is small).</summary>
    public static string SampledSha256(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        long length = fs.Length;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(len, length);
        sha.AppendData(len);
        var block = new byte[SampleBytes];
        if (length <= (long)SampleCount * SampleBytes)
        {
            int n;
            while ((n = fs.Read(block, 0, block.Length)) > 0) sha.AppendData(block, 0, n);
        }
        else
        {
            for (int i = 0; i < SampleCount; i++)
            {
                long offset = (length - SampleBytes) * i / (SampleCount - 1);
                fs.Position = offset;
                fs.ReadExactly(block, 0, SampleBytes);
                sha.AppendData(block);
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

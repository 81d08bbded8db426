using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InferenceEconomics.Results;

namespace InferenceEconomics.Store;

/// <summary>
/// A result document ready for the store: the parsed result, its canonical JSON (the document's own
/// text without insignificant whitespace: every field kept, also those a newer 1.x tool added) and the
/// SHA-256 of that text, which tells the same run pushed twice from different content.
/// </summary>
public sealed record StoredDocument(RunResult Result, string Json, string Sha256)
{
    /// <summary>A result in memory (the run that just finished): serialized as result.json is.</summary>
    public static StoredDocument Of(RunResult result) => FromJson(ResultJson.Serialize(result), result);

    /// <summary>A run folder or result.json on disk, validated as <see cref="ResultStore.Load"/> does.</summary>
    public static StoredDocument Load(string pathOrFolder)
    {
        var result = ResultStore.Load(pathOrFolder);
        var path = Directory.Exists(pathOrFolder) ? Path.Combine(pathOrFolder, ResultStore.ResultFileName) : pathOrFolder;
        // A sweep still journaling (or killed while it was): the stored text is result.json with the journal's
        // scenarios merged, as readers see it, and the status as the file says ("abandoned" is never written).
        if (File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, ResultStore.JournalFileName)))
            return FromJson(ResultJson.Serialize(result.Status == RunStatus.Abandoned ? result with { Status = RunStatus.Running } : result), result);
        return FromJson(File.ReadAllText(path), result);
    }

    /// <summary>Text read back from a store: parsed and checked as a file would be.</summary>
    public static StoredDocument Parse(string json, string origin) => FromJson(json, ResultStore.Parse(json, origin));

    private static StoredDocument FromJson(string json, RunResult result)
    {
        var canonical = Canonical(json);
        return new StoredDocument(result, canonical, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
    }

    /// <summary>The same JSON without indentation; property order, number text and strings as they were.</summary>
    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            doc.WriteTo(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}

using System.Text.Json;

namespace InferenceEconomics.Common;

/// <summary>How every JSON input error names its place: "line L, byte B" (1-based), the JSON path when known, and a short reason.</summary>
internal static class JsonErrorText
{
    public static string Where(JsonException e)
    {
        var place = e.LineNumber is { } line ? $"line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "the document";
        return e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? $"{place} ({path[2..]})" : place;
    }

    /// <summary>The parser's message without its trailing "Path: … | LineNumber: …" (already said by <see cref="Where"/>).</summary>
    public static string Reason(JsonException e)
    {
        var m = e.Message;
        var cut = m.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = m.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? m[..cut] : m).TrimEnd('.', ' ');
    }
}

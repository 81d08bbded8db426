using System.Text;
using System.Text.Json;

namespace InferenceEconomics.Load;

/// <summary>
/// The requests of a level: lengths fixed, uniform in a range, or read in turn from a JSONL trace; prompts as
/// seeded random token ids (exact length on servers that take token-id prompts) and as text of about as many
/// tokens (common English words, about one token each: approximate, labelled).
/// </summary>
internal sealed class Prompts
{
    /// <summary>Token ids drawn from [Low, High): inside every real vocabulary, clear of the special and byte tokens at the bottom.</summary>
    public const int Low = 100, High = 1000;

    private static readonly string[] Words =
        ["the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not", "he", "this", "are", "or",
         "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been"];

    private readonly IReadOnlyList<(int Input, int Output)>? _trace;
    private readonly LengthRange _input, _output;

    public Prompts(LoadSettings s)
    {
        _input = s.InputTokens;
        _output = s.OutputTokens;
        if (s.Trace is { } path) _trace = ReadTrace(path);
    }

    /// <summary>The i-th request of a level whose seed is <paramref name="seed"/> (the same i and seed give the same request).</summary>
    public LoadRequest Make(int i, int seed)
    {
        var rng = new Random(HashCode.Combine(seed, i));
        var (input, output) = _trace is { Count: > 0 } t ? t[i % t.Count] : (Draw(_input, rng), Draw(_output, rng));
        var ids = new int[input];
        for (int k = 0; k < input; k++) ids[k] = rng.Next(Low, High);
        var text = new StringBuilder(input * 5);
        for (int k = 0; k < input; k++) text.Append(k == 0 ? "" : " ").Append(Words[ids[k] % Words.Length]);
        return new LoadRequest(input, output, ids, text.ToString());
    }

    private static int Draw(LengthRange r, Random rng) => r.IsFixed ? r.Min : rng.Next(r.Min, r.Max + 1);

    /// <summary>Reads {"input": N, "output": M} per line (blank lines skipped); a bad line is exit 2 naming it.</summary>
    public static IReadOnlyList<(int Input, int Output)> ReadTrace(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InferenceEconomicsException(ErrorKind.FileAccess, $"cannot read the trace {path}: {e.Message}; give a readable JSONL file");
        }
        var list = new List<(int, int)>();
        for (int n = 0; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            int? input = null, output = null;
            try
            {
                using var doc = JsonDocument.Parse(lines[n]);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    input = Int(doc.RootElement, "input") ?? Int(doc.RootElement, "input_tokens");
                    output = Int(doc.RootElement, "output") ?? Int(doc.RootElement, "output_tokens");
                }
            }
            catch (JsonException) { }
            if (input is not > 0 || output is not > 0)
                throw new InferenceEconomicsException(ErrorKind.Usage,
                    $"{path} line {n + 1} is not {{\"input\": N, \"output\": M}} with positive whole numbers; fix that line");
            list.Add((input.Value, output.Value));
        }
        if (list.Count == 0) throw new InferenceEconomicsException(ErrorKind.Usage, $"{path} holds no (input, output) pairs; give one JSON object per line");
        return list;
    }

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;
}

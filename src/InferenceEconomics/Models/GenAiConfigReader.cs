using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceEconomics.Models;

/// <summary>
/// genai_config.json is wrong about its model (a field of the wrong type, a count that is not positive,
/// a number the graph contradicts). <see cref="Errors"/> holds every problem found; the message is the first.
/// </summary>
internal sealed class ModelConfigException(string message, IReadOnlyList<ValidationError> errors)
    : InferenceEconomicsException(ErrorKind.ModelConfigInvalid, message)
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}

/// <summary>
/// Typed access to genai_config.json's fields: a value of the wrong JSON type (a string where a number belongs,
/// null, a fraction) is an error naming the field, what it must be and what it is — never an internal failure.
/// </summary>
internal sealed class GenAiConfigReader(string path)
{
    private const string Hint = "fix the field or regenerate the file with the model builder";

    public JsonObject? Object(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonObject o => o,
        _ => throw Error(field, node, "must be a JSON object"),
    };

    public int PositiveInt(JsonObject o, string key, string where) =>
        OptPositiveInt(o, key, where) ?? throw Missing($"{where}.{key}", "a positive integer");

    public int? OptPositiveInt(JsonObject? o, string key, string where)
    {
        if (!Present(o, key, out var node)) return null;
        int v = Int(node, $"{where}.{key}", "a positive integer");
        if (v <= 0) throw Error($"{where}.{key}", node, "must be a positive integer");
        return v;
    }

    /// <summary>eos_token_id: an integer or a non-empty array of integers, each a token of the vocabulary.</summary>
    public IReadOnlyList<int> TokenIds(JsonObject o, string key, string where, int vocab)
    {
        string field = $"{where}.{key}";
        if (!Present(o, key, out var node)) throw Missing(field, "an integer or an array of integers");
        const string expected = "an integer or an array of integers";
        int[] ids = node switch
        {
            JsonArray a when a.Count == 0 => throw Error(field, node, $"must be {expected} (at least one)"),
            JsonArray a => a.Select(n => Int(n, field, expected)).ToArray(),
            JsonValue => [Int(node, field, expected)],
            _ => throw Error(field, node, $"must be {expected}"),
        };
        foreach (var id in ids)
            if (id < 0 || id >= vocab)
                throw Error(field, node, $"must hold tokens of the vocabulary (ids 0 to {vocab - 1}, vocab_size {vocab})");
        return ids;
    }

    public int? OptTokenId(JsonObject o, string key, string where)
    {
        if (!Present(o, key, out var node)) return null;
        int v = Int(node, $"{where}.{key}", "a non-negative integer");
        if (v < 0) throw Error($"{where}.{key}", node, "must be a non-negative integer");
        return v;
    }

    public string String(JsonObject o, string key, string where) =>
        OptString(o, key, where) ?? throw Missing($"{where}.{key}", "a non-empty string");

    public string? OptString(JsonObject? o, string key, string where)
    {
        if (!Present(o, key, out var node)) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0) return s;
        throw Error($"{where}.{key}", node, "must be a non-empty string");
    }

    /// <summary>A per-layer name pattern: a string holding %d.</summary>
    public string? OptPattern(JsonObject? o, string key, string where)
    {
        var s = OptString(o, key, where);
        if (s is not null && !s.Contains("%d", StringComparison.Ordinal))
            throw Error($"{where}.{key}", o![key], "must hold %d where the layer number goes");
        return s;
    }

    public bool? OptBool(JsonObject? o, string key, string where)
    {
        if (!Present(o, key, out var node)) return null;
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        throw Error($"{where}.{key}", node, "must be true or false");
    }

    public ModelConfigException Missing(string field, string expected) =>
        Fail(new ValidationError(field, null, $"is missing; it must be {expected}", Hint, ErrorKind.ModelConfigInvalid), $"{path}: {field} is missing (it must be {expected}); {Hint}");

    public ModelConfigException Error(string field, JsonNode? node, string reason) =>
        Fail(new ValidationError(field, Show(node), reason, Hint, ErrorKind.ModelConfigInvalid), $"{path}: {field} {reason}, not {Show(node)}; {Hint}");

    private static ModelConfigException Fail(ValidationError e, string message) => new(message, [e]);

    /// <summary>True when the key is there; a JSON null counts as there (and is then rejected by the typed read).</summary>
    private static bool Present(JsonObject? o, string key, out JsonNode? node)
    {
        node = null;
        return o is not null && o.TryGetPropertyValue(key, out node);
    }

    private int Int(JsonNode? node, string field, string expected)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out int i)) return i;
        throw Error(field, node, $"must be {expected}");
    }

    /// <summary>The value as the user wrote it, with its JSON type: "a string \"2\"", "null", "2.5".</summary>
    private static string Show(JsonNode? node)
    {
        if (node is null) return "null";
        var kind = node.GetValueKind();
        string text = node.ToJsonString();
        if (text.Length > 40) text = text[..37] + "...";
        return kind switch
        {
            JsonValueKind.String => $"a string {text}",
            JsonValueKind.Array => $"an array {text}",
            JsonValueKind.Object => $"an object {text}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {text}",
            _ => text,
        };
    }
}

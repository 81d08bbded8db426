using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceEconomics.Schema;

/// <summary>The one JSON convention of result documents: snake_case, enums as strings, nulls omitted, numbers finite (NaN and Infinity are neither read nor written).</summary>
public static class ResultJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), FiniteDoubleConverter.Instance },
    };

    /// <summary>A non-finite number anywhere in <paramref name="value"/> is a bug: an internal error naming its path, never "NaN" in a file.</summary>
    public static string Serialize<T>(T value) => FiniteJson.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("document is null");
}

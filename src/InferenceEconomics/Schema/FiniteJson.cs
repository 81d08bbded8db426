using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceEconomics.Schema;

/// <summary>
/// Every floating-point number the tool reads from or writes to JSON is finite. On read, 1e999 (parsed as
/// Infinity) and the strings "NaN"/"Infinity" are refused with the JSON path of the value; on write a
/// non-finite value is a bug, refused instead of being written as a lie.
/// </summary>
internal sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public const string NotFinite = "not a finite number";

    public static FiniteDoubleConverter Instance { get; } = new();

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Only JSON numbers are numbers: "NaN", "Infinity" and "1.5" as strings are refused by the reader here.
        var value = reader.GetDouble();
        return double.IsFinite(value) ? value : throw new JsonException(NotFinite);
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (!double.IsFinite(value)) throw new JsonException($"{value} is {NotFinite}");
        writer.WriteNumberValue(value);
    }
}

/// <summary>What a refused non-finite write becomes: an internal error naming the path (a bug, never a silent "NaN").</summary>
internal static class FiniteJson
{
    public static string Serialize<T>(T value, JsonSerializerOptions options)
    {
        try { return JsonSerializer.Serialize(value, options); }
        catch (JsonException e) when (e.Message.Contains(FiniteDoubleConverter.NotFinite, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"refusing to write a non-finite number at {e.Path} of a {typeof(T).Name} document", e);
        }
    }

}

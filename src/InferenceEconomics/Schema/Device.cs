using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceEconomics.Schema;

public enum DeviceKind { Cpu, Cuda }

/// <summary>
/// Where a model runs: "cpu", "cuda" (the first GPU) or "cuda:N". Written to results as that text.
/// The one parser of device names: nothing else compares device strings.
/// </summary>
[JsonConverter(typeof(DeviceJsonConverter))]
public readonly record struct Device(DeviceKind Kind, int? Index = null)
{
    public static Device Cpu { get; } = new(DeviceKind.Cpu);

    public bool IsCuda => Kind == DeviceKind.Cuda;

    /// <summary>The GPU ordinal a CUDA device means (0 when none was named).</summary>
    public int Ordinal => Index ?? 0;

    public override string ToString() => Kind switch
    {
        DeviceKind.Cuda => Index is { } i ? string.Create(CultureInfo.InvariantCulture, $"cuda:{i}") : "cuda",
        _ => "cpu",
    };

    /// <summary>Parses cpu | cuda | cuda:N (case-insensitive); null when the text is none of these.</summary>
    public static Device? TryParse(string? text)
    {
        var t = text?.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return new Device(DeviceKind.Cuda);
        if (t is not null && t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < 1024)
            return new Device(DeviceKind.Cuda, i);
        return null;
    }

    /// <summary>Like <see cref="TryParse"/> for documents written by this tool: an unknown word reads as itself kind-wise (gpu… = CUDA).</summary>
    internal static Device ParseLenient(string text) =>
        TryParse(text) ?? (text.StartsWith("gpu", StringComparison.OrdinalIgnoreCase) ? new Device(DeviceKind.Cuda) : Cpu);
}

internal sealed class DeviceJsonConverter : JsonConverter<Device>
{
    public override Device Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Device.TryParse(reader.GetString()) ?? throw new JsonException($"'{reader.GetString()}' is not a device (cpu, cuda or cuda:N)")
            : throw new JsonException("a device is a string: cpu, cuda or cuda:N");

    public override void Write(Utf8JsonWriter writer, Device value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

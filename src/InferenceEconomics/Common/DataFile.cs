using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceEconomics.Common;

/// <summary>
/// JSON conventions of the tool's data files (rate cards, hardware catalog): snake_case, strict (a misspelt field is an
/// error), nulls written, "NaN"/"Infinity" strings refused. A number too large for a double (1e999) reads as Infinity:
/// each file's range checks refuse it.
/// </summary>
internal static class DataFile
{
    public static JsonSerializerOptions Strict { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Parses a data file; any syntax or type error becomes PriceInvalid naming the line and byte.</summary>
    public static T Parse<T>(string json, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Strict) ?? throw new JsonException("the document is null");
        }
        catch (JsonException e)
        {
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid,
                $"{origin}: malformed at {JsonErrorText.Where(e)}: {JsonErrorText.Reason(e)}; fix the file (format: docs/economics.md)", e);
        }
    }

    public static Stream OpenEmbedded(string fileName) =>
        typeof(DataFile).Assembly.GetManifestResourceStream($"InferenceEconomics.Data.{fileName}")
        ?? throw new InvalidOperationException($"embedded data file {fileName} is missing from the build");

    public static string ReadEmbedded(string fileName)
    {
        using var reader = new StreamReader(OpenEmbedded(fileName));
        return reader.ReadToEnd();
    }

    public static string ReadUserFile(string path, string what)
    {
        if (!File.Exists(path))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{what} '{path}' does not exist; give the path of a JSON file (format: docs/economics.md)");
        return File.ReadAllText(path);
    }
}

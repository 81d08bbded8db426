using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceEconomics.Models;

/// <summary>models/models.json: aliases for real models and where their weights come from.</summary>
public sealed record ModelCatalog(IReadOnlyDictionary<string, ModelAlias> Aliases)
{
    public static ModelCatalog Empty { get; } = new(new Dictionary<string, ModelAlias>());

    public static ModelCatalog Load(string path)
    {
        if (!File.Exists(path)) return Empty;
        try
        {
            var doc = JsonSerializer.Deserialize<CatalogFile>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
            return new ModelCatalog(doc?.Aliases ?? new Dictionary<string, ModelAlias>());
        }
        catch (JsonException e)
        {
            throw new InferenceEconomicsException(ErrorKind.ModelConfigMalformed,
                $"{path}: malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}; fix the alias file", e);
        }
    }

    private sealed record CatalogFile([property: JsonPropertyName("aliases")] Dictionary<string, ModelAlias>? Aliases);
}

public sealed record ModelAlias(string Description, string Preset, IReadOnlyDictionary<string, ModelVariant> Variants);

/// <summary>Where a real model's weights go for one device, and how a user gets them.</summary>
public sealed record ModelVariant(string Path, string Precision, string Source, string? Get);

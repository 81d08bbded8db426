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
            var aliases = doc?.Aliases ?? new Dictionary<string, ModelAlias>();
            foreach (var (name, a) in aliases)
                if (a is null || string.IsNullOrEmpty(a.Preset) || a.Variants is null)
                    throw new InferenceEconomicsException(ErrorKind.ModelConfigInvalid,
                        $"{path}: alias '{name}' needs \"description\", \"preset\" (the synthetic shape) and \"variants\"; see the entries already there");
            return new ModelCatalog(aliases);
        }
        catch (JsonException e)
        {
            throw new InferenceEconomicsException(ErrorKind.ModelConfigMalformed,
                $"{path}: malformed JSON at {Common.JsonErrorText.Where(e)}; fix the alias file", e);
        }
    }

    private sealed record CatalogFile([property: JsonPropertyName("aliases")] Dictionary<string, ModelAlias>? Aliases);
}

public sealed record ModelAlias(string Description, string Preset, IReadOnlyDictionary<string, ModelVariant> Variants);

/// <summary>Where a real model's weights go for one device, and how a user gets them.</summary>
public sealed record ModelVariant(string Path, string Precision, string Source, string? Get);

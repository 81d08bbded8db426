using System.Text.Json.Serialization;

namespace InferenceEconomics.Economics;

/// <summary>
/// One API model's prices, USD per million tokens. Null means unknown (never 0), except
/// <see cref="Reasoning"/>, where null means "billed at the output price" (the usual rule).
/// </summary>
public sealed record ApiRate
{
    /// <summary>The highest price a card may state, $ per million tokens ($1 per token): anything above is a typo or a unit mix-up, refused.</summary>
    public const double MaxPricePerMillion = 1_000_000;

    public required string Provider { get; init; }
    public required string Model { get; init; }
    public double? Input { get; init; }
    public double? Output { get; init; }
    public double? CachedInput { get; init; }
    [JsonPropertyName("cache_write_5m")] public double? CacheWrite5m { get; init; }
    [JsonPropertyName("cache_write_1h")] public double? CacheWrite1h { get; init; }
    public double? Reasoning { get; init; }
    public double? BatchInput { get; init; }
    public double? BatchOutput { get; init; }
    /// <summary>Higher prices that replace the base rate for the whole request above a prompt length.</summary>
    public IReadOnlyList<LongContextTier> LongContext { get; init; } = [];
    /// <summary>When the price was seen (ISO date, month precision allowed).</summary>
    public required string Seen { get; init; }
    public required string Source { get; init; }
    /// <summary>A conflicting or unverified figure ([?] in prices.md): shown as uncertain.</summary>
    public bool Uncertain { get; init; }
    public string? Notes { get; init; }
    /// <summary>The card's context: a request with more input (or generated) tokens is "exceeds context", never priced. Null = not stated.</summary>
    public int? MaxInputTokens { get; init; }
    public int? MaxOutputTokens { get; init; }
    /// <summary>Input and output are $0 in the source (previews, local models): kept, and every comparison says so.</summary>
    public bool PricedZeroInSource { get; init; }

    [JsonIgnore] public string Key => $"{Provider}/{Model}";

    /// <summary>The 3:1 input:output blended price (docs/metrics.md); null when either is unknown.</summary>
    [JsonIgnore] public double? Blended => Input is { } i && Output is { } o ? (3 * i + o) / 4 : null;

    /// <summary>The tier in force for a prompt of this many tokens (the highest threshold below it), or null.</summary>
    public LongContextTier? TierFor(int promptTokens) =>
        LongContext.Where(t => promptTokens > t.AboveInputTokens).MaxBy(t => t.AboveInputTokens);
}

/// <summary>Prices for prompts longer than <see cref="AboveInputTokens"/>; null = unknown at this tier.</summary>
public sealed record LongContextTier
{
    public required int AboveInputTokens { get; init; }
    public double? Input { get; init; }
    public double? Output { get; init; }
    public double? CachedInput { get; init; }
    [JsonPropertyName("cache_write_5m")] public double? CacheWrite5m { get; init; }
    [JsonPropertyName("cache_write_1h")] public double? CacheWrite1h { get; init; }
}

/// <summary>The rate-card file format (docs/economics.md).</summary>
internal sealed record RateCardFile
{
    public const string FormatName = "inference-economics/rates";
    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    public string Currency { get; init; } = "USD";
    public string Unit { get; init; } = "dollars per million tokens";
    public string? Comment { get; init; }
    public IReadOnlyList<ApiRate> Rates { get; init; } = [];
}

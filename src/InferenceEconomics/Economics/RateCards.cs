using System.Text.Json;
using InferenceEconomics.Common;

namespace InferenceEconomics.Economics;

/// <summary>
/// A set of API rate cards: the built-in ones (embedded Data/rates.json) or a user file given with
/// --rates, which replaces the built-in set. Names are looked up as "provider/model" or "model".
/// </summary>
public sealed class RateCards
{
    public const string BuiltInFileName = "rates.json";

    public IReadOnlyList<ApiRate> Rates { get; }
    /// <summary>Where the cards came from: "built-in" or the user file's path.</summary>
    public string Origin { get; }

    private RateCards(IReadOnlyList<ApiRate> rates, string origin) { Rates = rates; Origin = origin; }

    private static readonly Lazy<RateCards> BuiltInCards = new(() => Parse(DataFile.ReadEmbedded(BuiltInFileName), "built-in rates.json"));

    public static RateCards BuiltIn() => BuiltInCards.Value;

    /// <summary>The user's file when a path is given, else the built-in cards.</summary>
    public static RateCards LoadOrBuiltIn(string? path) => path is null ? BuiltIn() : Load(path);

    public static RateCards Load(string path) => Parse(DataFile.ReadUserFile(path, "rate file"), path);

    public static RateCards Parse(string json, string origin)
    {
        var file = DataFile.Parse<RateCardFile>(json, origin);
        if (file.Format != RateCardFile.FormatName)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{origin}: \"format\" is '{file.Format}', expected '{RateCardFile.FormatName}' (format: docs/economics.md)");
        if (file.Version != 1)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{origin}: format version {file.Version} is not supported; this tool reads version 1");
        for (int i = 0; i < file.Rates.Count; i++) Validate(file.Rates[i], i + 1, origin);
        var duplicate = file.Rates.GroupBy(r => r.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{origin}: '{duplicate.Key}' appears {duplicate.Count()} times; keep one entry per provider/model");
        return new RateCards(file.Rates, origin);
    }

    private static void Validate(ApiRate r, int index, string origin)
    {
        string where = $"{origin}: rate {index}";
        if (string.IsNullOrWhiteSpace(r.Provider) || string.IsNullOrWhiteSpace(r.Model))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{where} has an empty provider or model name");
        where = $"{origin}: rate {index} ({r.Key})";
        CheckPrices(where, ("input", r.Input), ("output", r.Output), ("cached_input", r.CachedInput), ("cache_write_5m", r.CacheWrite5m),
            ("cache_write_1h", r.CacheWrite1h), ("reasoning", r.Reasoning), ("batch_input", r.BatchInput), ("batch_output", r.BatchOutput));
        foreach (var t in r.LongContext)
        {
            if (t.AboveInputTokens <= 0)
                throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{where}: long_context above_input_tokens {t.AboveInputTokens} must be positive");
            CheckPrices($"{where} long_context above {t.AboveInputTokens}", ("input", t.Input), ("output", t.Output), ("cached_input", t.CachedInput),
                ("cache_write_5m", t.CacheWrite5m), ("cache_write_1h", t.CacheWrite1h));
        }
        if (r.MaxInputTokens is <= 0 || r.MaxOutputTokens is <= 0)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{where}: max_input_tokens and max_output_tokens must be positive (null when not stated)");
        if (r.PricedZeroInSource && (r.Input is not 0 || r.Output is not 0))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{where}: priced_zero_in_source is true but input/output are {r.Input?.ToString() ?? "null"}/{r.Output?.ToString() ?? "null"}; it marks cards priced $0 in their source");
        if (r.LongContext.Select(t => t.AboveInputTokens).Distinct().Count() != r.LongContext.Count)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{where}: two long_context tiers share a threshold");
    }

    private static void CheckPrices(string where, params (string Name, double? Value)[] prices)
    {
        foreach (var (name, value) in prices)
            if (value is { } v && (v < 0 || !double.IsFinite(v) || v > ApiRate.MaxPricePerMillion))
                throw new InferenceEconomicsException(ErrorKind.PriceInvalid,
                    $"{where}: {name} price {(double.IsFinite(v) ? $"{v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)} is {(v < 0 ? "negative" : "beyond $1 per token")}" : "is not a finite number")}; a price is $ per million tokens, from 0 to {ApiRate.MaxPricePerMillion:0} (null when unknown)");
    }

    /// <summary>
    /// Finds a card by "provider/model" or by model alone (case-insensitive). Unknown or ambiguous
    /// names are UnknownName errors that suggest close names.
    /// </summary>
    public ApiRate Find(string name)
    {
        var n = name.Trim();
        var exact = Rates.FirstOrDefault(r => string.Equals(r.Key, n, StringComparison.OrdinalIgnoreCase));
        if (exact is not null) return exact;
        var byModel = Rates.Where(r => string.Equals(r.Model, n, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byModel.Count == 1) return byModel[0];
        if (byModel.Count > 1)
            throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"API model '{name}' is ambiguous in {Origin}: {string.Join(", ", byModel.Select(r => r.Key))}; add the provider prefix");
        var names = Rates.Select(r => r.Model).Concat(Rates.Select(r => r.Key)).Distinct(StringComparer.OrdinalIgnoreCase);
        throw new InferenceEconomicsException(ErrorKind.UnknownName,
            $"unknown API model '{name}'{Suggest.DidYouMean(name, names)}; ./run.sh rates list shows the {Rates.Count} known ones ({Origin})");
    }

    public bool TryFind(string name, out ApiRate? rate)
    {
        try { rate = Find(name); return true; }
        catch (InferenceEconomicsException) { rate = null; return false; }
    }

    /// <summary>Serializes cards in the documented format (what `rates import` writes).</summary>
    public static string Serialize(IEnumerable<ApiRate> rates, string? comment = null) =>
        FiniteJson.Serialize(new RateCardFile { Rates = rates.ToList(), Comment = comment }, DataFile.Strict) + "\n";
}

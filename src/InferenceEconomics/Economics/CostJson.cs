using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceEconomics.Results;

namespace InferenceEconomics.Economics;

/// <summary>`cost --json`: the CostComparison in the result files' snake_case, with unknown values written as null (never 0, never dropped).</summary>
public static class CostJson
{
    private static readonly JsonSerializerOptions Options = new(ResultJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static string Serialize(CostComparison comparison) => FiniteJson.Serialize(comparison, Options);

    public static CostComparison Deserialize(string json) => JsonSerializer.Deserialize<CostComparison>(json, Options) ?? throw new JsonException("document is null");
}

namespace InferenceEconomics.Cli;

internal static class NameSuggestions
{
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3) =>
        InferenceEconomics.Common.Suggest.Closest(name, candidates, max);
}

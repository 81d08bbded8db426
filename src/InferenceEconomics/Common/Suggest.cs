namespace InferenceEconomics.Common;

/// <summary>"Did you mean" suggestions for unknown names (presets, GPUs, API models, options).</summary>
public static class Suggest
{
    /// <summary>Candidates within a small edit distance, or sharing a prefix/substring, closest first.</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3)
    {
        var n = name.ToLowerInvariant().TrimStart('-');
        return candidates
            .Select(c => (c, d: Distance(n, c.ToLowerInvariant().TrimStart('-'))))
            .Where(x => x.d <= Math.Max(2, n.Length / 3) || x.c.Contains(n, StringComparison.OrdinalIgnoreCase) || (n.Length >= 3 && n.Contains(x.c.TrimStart('-'), StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(max).Select(x => x.c).ToList();
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var c = Closest(name, candidates);
        return c.Count == 0 ? "" : $" (did you mean {string.Join(", ", c)}?)";
    }
}

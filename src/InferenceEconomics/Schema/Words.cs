using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceEconomics.Schema;

/// <summary>
/// The word for an enum value, exactly as result documents write it ("not_run", "genai",
/// "multi_head+position_ids"): reports and messages print these words, never C# names.
/// </summary>
public static class Words
{
    private static readonly ConcurrentDictionary<Enum, string> Cache = new();

    public static string Of<T>(T value) where T : struct, Enum => Cache.GetOrAdd(value, static v =>
    {
        var name = v.ToString();
        var field = v.GetType().GetField(name, BindingFlags.Public | BindingFlags.Static);
        return field?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
    });

    /// <summary>The value whose word is <paramref name="word"/> (case-insensitive), or null.</summary>
    public static T? Parse<T>(string? word) where T : struct, Enum =>
        word is null ? null : Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => string.Equals(Of(v!.Value), word.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Every word of an enum, in declaration order (for help texts and suggestions).</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(v => Of(v)).ToList();
}

using System.Reflection;

namespace InferenceEconomics.Engines;

/// <summary>Versions of the runtimes in this process, for the result's environment.</summary>
internal static class Versions
{
    public static string GenAi { get; } =
        typeof(Versions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "GenAiPackageVersion")?.Value ?? "unknown";
    public static string Ort { get; } = Of(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly);

    private static string Of(Assembly a) =>
        a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? a.GetName().Version?.ToString() ?? "unknown";
}

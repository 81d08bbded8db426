using System.Reflection;

namespace InferenceEconomics.Common;

public static class ToolVersion
{
    public static string Version { get; } =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}

namespace InferenceEconomics.Cli;

/// <summary>
/// The command the user typed to start the CLI, for help and hints: run.sh and run.ps1 set
/// IE_ENTRY ("./run.sh", ".\run.ps1"); anything else (dotnet ie.dll, tests) reads as ./run.sh.
/// Help texts and messages are written with "./run.sh"; <see cref="Localize"/> puts in the real one.
/// </summary>
internal static class EntryPoint
{
    public const string Default = "./run.sh";
    public const string EnvironmentVariable = "IE_ENTRY";

    /// <summary>Read once, here and nowhere else.</summary>
    public static string Name { get; } = From(Environment.GetEnvironmentVariable(EnvironmentVariable));

    internal static string From(string? value) => string.IsNullOrWhiteSpace(value) ? Default : value.Trim();

    /// <summary>The text with every "./run.sh" replaced by the entry point in use (<paramref name="entry"/>, else <see cref="Name"/>).</summary>
    public static string Localize(string text, string? entry = null)
    {
        var name = entry ?? Name;
        return name == Default ? text : text.Replace(Default, name, StringComparison.Ordinal);
    }
}

namespace InferenceEconomics.Cli;

/// <summary>
/// The command a user typed to reach the CLI (./run.sh, .\run.ps1), for help and hints. The entry
/// scripts set IE_ENTRY; run directly, the tool names run.sh.
/// </summary>
public static class EntryPoint
{
    public static string Command =>
        Environment.GetEnvironmentVariable("IE_ENTRY") is { Length: > 0 } e ? e : "./run.sh";
}

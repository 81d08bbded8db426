using InferenceEconomics.Cli.Framework;

namespace InferenceEconomics.Cli;

/// <summary>How commands that read a run (cost, compare, report) take it: a run folder, its result.json, or a folder name under results/.</summary>
internal static class RunArgument
{
    public static string Resolve(string arg, CliContext context)
    {
        if (File.Exists(arg) || Directory.Exists(arg)) return arg;
        var underResults = Path.Combine(context.Paths.ResultsDir, arg);
        return Directory.Exists(underResults) ? underResults : arg; // ResultStore.Load reports the missing path
    }
}

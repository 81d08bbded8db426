using InferenceEconomics.Results;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

/// <summary>The --store option as commands share it: which run source or store a command uses.</summary>
internal static class StoreCli
{
    public const string OptionHelp =
        "  --store URL|PATH  the results store: postgres://user:password@host:port/db or a SQLite file\n" +
        "                    (default: the IE_STORE environment variable; the password is never printed)";

    /// <summary>
    /// Reading commands: run folders when --results is given; else the store named by --store or IE_STORE;
    /// else run folders under results/. A path that exists is always read as a folder or file.
    /// </summary>
    public static IRunSource OpenSource(string? storeOption, string? resultsOption, CliContext context)
    {
        if (resultsOption is null && StoreLocation.Configured(storeOption))
            return new StoreRunSource(ResultStores.Open(StoreLocation.Resolve(storeOption, context.Paths.ResultsDir), create: false));
        return new FolderRunSource(resultsOption ?? context.Paths.ResultsDir);
    }

    /// <summary>A run named on the command line: an existing path, else a name in the source (folder name or run id).</summary>
    public static RunResult Load(IRunSource source, string reference) =>
        File.Exists(reference) || Directory.Exists(reference) ? ResultStore.Load(reference) : source.Load(reference);

    /// <summary>Writing commands (run, push, fleet): --store, else IE_STORE, else &lt;results&gt;/runs.db (created on first use).</summary>
    public static IResultStore OpenStore(string? storeOption, string resultsDir) =>
        ResultStores.Open(StoreLocation.Resolve(storeOption, resultsDir), create: true);
}

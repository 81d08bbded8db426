using InferenceEconomics.Results;
using InferenceEconomics.Store;

using InferenceEconomics.Cli.Framework;

namespace InferenceEconomics.Cli.Commands;

/// <summary>The --store option as commands share it: which run source or store a command uses.</summary>
internal static class StoreCli
{
    public const string Help = "the results store: postgres://user:password@host:port/db or a SQLite file (the password is never printed)";
    public const string DefaultText = "the IE_STORE environment variable, else run folders";

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

    /// <summary>
    /// The source for commands that name runs: the run folders when every name is a local run (see
    /// <see cref="LocalRun"/>), so no store is opened; else as <see cref="OpenSource"/>.
    /// </summary>
    public static IRunSource OpenSourceFor(string? storeOption, IEnumerable<string> references, CliContext context) =>
        references.All(r => LocalRun(r, storeOption, context) is not null) ? new FolderRunSource(context.Paths.ResultsDir) : OpenSource(storeOption, null, context);

    /// <summary>A run named on the command line: a local run, else a run id in the source.</summary>
    public static RunResult Load(IRunSource source, string reference, string? storeOption, CliContext context) =>
        LocalRun(reference, storeOption, context) is { } path ? ResultStore.Load(path) : source.Load(reference);

    /// <summary>
    /// The local run a name means: an existing path always; a run folder name under results/ unless
    /// --store was given (then names are run ids in that store). Null when neither.
    /// </summary>
    public static string? LocalRun(string reference, string? storeOption, CliContext context)
    {
        if (File.Exists(reference) || Directory.Exists(reference)) return reference;
        if (storeOption is not null) return null;
        var under = Path.Combine(context.Paths.ResultsDir, reference);
        return Directory.Exists(under) ? under : null;
    }

    /// <summary>Writing commands (run, push, fleet): --store, else IE_STORE, else &lt;results&gt;/runs.db (created on first use).</summary>
    public static IResultStore OpenStore(string? storeOption, string resultsDir) =>
        ResultStores.Open(StoreLocation.Resolve(storeOption, resultsDir), create: true);
}

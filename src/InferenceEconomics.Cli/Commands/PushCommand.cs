using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

/// <summary>push: run folders into the results store (by name, or every one under results/).</summary>
public sealed class PushCommand : ICliCommand
{
    public string Name => "push";
    public string Summary => "record run folders in the results store (SQLite file or PostgreSQL)";
    public string Help => """
        Usage: ./run.sh push <run folder | result.json | run folder name>... [--store URL|PATH] [--replace]
               ./run.sh push --all [--results DIR] [--store URL|PATH]
          --all          every run folder under results/ (a backfill); folders that cannot be read, and
                         runs still 'running', are skipped with the reason
          --results DIR  where --all and run folder names look (default results/)
          --replace      a run id already stored with different content is replaced (default: reported
                         as a conflict, nothing changed, exit 16)
        """ + StoreCli.OptionHelp + """

                         default store without --store and IE_STORE: results/runs.db

        Pushing the same run again changes nothing (key: run id + SHA-256 of the document). A run id
        stored with other content is a conflict, except when the stored one had status 'running'
        (a snapshot of an unfinished run): the finished document replaces it.
        Exit codes: 0 all stored or already there; 16 a conflict; 11 a named run is missing or invalid;
        15 the store cannot be opened or written.
        """;
    public IReadOnlyList<string> Examples => ["./run.sh push --all --store postgres://ie@db.example:5432/ie"];

    public int Run(CliArgs args, CliContext context)
    {
        bool all = args.Flag("--all");
        bool replace = args.Flag("--replace");
        var storeOption = args.String("--store");
        var resultsDir = args.String("--results") ?? context.Paths.ResultsDir;
        args.EnsureAllUsed();
        if (all == (args.Positionals.Count > 0))
            throw CliArgs.Usage(all ? "push --all takes no run names; give one or the other" : "push needs run folders, or --all for every run under results/; see ./run.sh push --help");

        using var store = StoreCli.OpenStore(storeOption, resultsDir);
        var options = new PushOptions { Replace = replace };
        var report = all
            ? PushService.Backfill(store, resultsDir, options)
            : PushService.Push(store, args.Positionals.Select(p => File.Exists(p) || Directory.Exists(p) ? p : Path.Combine(resultsDir, p)).ToList(), options);

        foreach (var item in report.Items)
        {
            var o = item.Outcome;
            if (o is null) { context.Error.WriteLine($"warning: skipped {item.Source}: {item.SkippedBecause}"); continue; }
            context.Out.WriteLine(o.Status switch
            {
                PushStatus.Stored => $"stored    {o.RunId}",
                PushStatus.AlreadyStored => $"unchanged {o.RunId} (already stored)",
                PushStatus.Replaced => $"replaced  {o.RunId} (stored content {Short(o.StoredSha256)} -> {Short(o.Sha256)})",
                _ => $"conflict  {o.RunId}: stored with other content ({Short(o.StoredSha256)}, this one {Short(o.Sha256)}); nothing changed",
            });
        }
        context.Out.WriteLine($"{report.Items.Count - report.Skipped} run(s) pushed to {store.Description}: {report.Count(PushStatus.Stored)} stored, " +
            $"{report.Count(PushStatus.AlreadyStored)} already there, {report.Count(PushStatus.Replaced)} replaced, {report.Count(PushStatus.Conflict)} conflict(s), {report.Skipped} skipped");
        int conflicts = report.Count(PushStatus.Conflict);
        if (conflicts > 0)
            throw new InferenceEconomicsException(ErrorKind.StoreConflict,
                $"{conflicts} run id(s) already stored with different content (first: {report.Conflicts.First().Outcome!.RunId}); nothing was overwritten; push --replace stores these versions instead");
        return 0;
    }

    private static string Short(string? sha) => sha is null ? "?" : "sha256:" + sha[..Math.Min(12, sha.Length)];
}

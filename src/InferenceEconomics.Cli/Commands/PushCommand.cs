using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

internal sealed class PushCommandSettings
{
    public List<string> Runs { get; set; } = [];
    public bool All { get; set; }
    public bool Replace { get; set; }
    public string? Store { get; set; }
    public string? Results { get; set; }
}

/// <summary>push: run folders into the results store (by name, or every one under results/).</summary>
internal sealed class PushCommand : CliCommand<PushCommandSettings>
{
    public override string Name => "push";
    public override string Summary => "record run folders in the results store (SQLite file or PostgreSQL)";
    public override string Usage => $"{EntryPoint.Name} push (<run>... | --all) [--store URL|PATH] [--replace]";
    public override string Description =>
        "Pushing the same run again changes nothing (key: run id + SHA-256 of the document). A run id stored with other\n" +
        "content is a conflict, except when the stored one had status 'running' (a snapshot of an unfinished run): the\n" +
        "finished document replaces it. Exit codes: 0 all stored or already there; 16 a conflict; 11 a named run is missing\n" +
        "or invalid; 15 the store cannot be opened or written.";
    public override IReadOnlyList<string> Examples => [$"{EntryPoint.Name} push --all --store postgres://ie@db.example:5432/ie"];

    public PushCommand()
    {
        Argument(s => s.Runs, "runs", "run folders, result.json files or run folder names", min: 0, max: int.MaxValue);
        Flag(s => s.All, "--all", "every run folder under results/ (a backfill); unreadable folders and runs still 'running' are skipped with the reason");
        Flag(s => s.Replace, "--replace", "a run id already stored with different content is replaced (default: a conflict, nothing changed, exit 16)");
        Option(s => s.Store, "--store", "URL|PATH", StoreCli.Help, defaultText: "the IE_STORE environment variable, else results/runs.db");
        Option(s => s.Results, "--results", "DIR", "where --all and run folder names look", defaultText: "results/ in the project");
    }

    protected override int Execute(PushCommandSettings s, CliContext context)
    {
        var resultsDir = s.Results ?? context.Paths.ResultsDir;
        if (s.All == (s.Runs.Count > 0))
            throw ValueParsers.Usage(s.All ? "push --all takes no run names; give one or the other" : $"push needs run folders, or --all for every run under results/; see {EntryPoint.Name} push --help");

        using var store = StoreCli.OpenStore(s.Store, resultsDir);
        var options = new PushOptions { Replace = s.Replace };
        var report = s.All
            ? PushService.Backfill(store, resultsDir, options)
            : PushService.Push(store, s.Runs.Select(p => File.Exists(p) || Directory.Exists(p) ? p : Path.Combine(resultsDir, p)).ToList(), options);

        var skipped = report.Items.Where(i => i.Outcome is null).ToList();
        if (skipped.Count > 0)
            context.Error.WriteLine(TerminalText.Clean($"warning: skipped {skipped.Count} run(s): " +
                string.Join("; ", skipped.Take(3).Select(i => $"{i.Source} ({i.SkippedBecause})")) + (skipped.Count > 3 ? "; ..." : "")));
        foreach (var item in report.Items.Where(i => i.Outcome is not null))
        {
            var o = item.Outcome!;
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

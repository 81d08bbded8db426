using InferenceEconomics.Hardware;
using InferenceEconomics.Economics;
using InferenceEconomics.Results.Comparison;

namespace InferenceEconomics.Results.History;

/// <summary>One GPU of a run: the name NVML reported and the hardware-catalog id it maps to (null when none).</summary>
internal sealed record GpuFact(string Name, string? CatalogId);

/// <summary>
/// What history filters match, computed from a result in one place: folders match these in memory,
/// the results store keeps them as columns (and their <see cref="Key"/> forms) and matches in SQL,
/// with the same rules (<see cref="RunMatching"/>).
/// </summary>
internal sealed record RunFacts(RunIdentity Identity, string Status, int ScenarioCount, string? SyntheticOf, string ModelSpec, IReadOnlyList<GpuFact> Gpus)
{
    public string DeviceKind => Words.Of(Identity.Device.Kind);

    public static RunFacts Of(RunResult r)
    {
        var catalog = HardwareCatalog.BuiltIn();
        return new RunFacts(RunIdentity.Of(r), Words.Of(r.Status), r.Scenarios.Count, r.Model.SyntheticOf, r.Config.ModelSpec,
            r.Environment.Gpus.Select(g => new GpuFact(g.Name, catalog.MatchDeviceName(g.Name)?.Id)).ToList());
    }

    /// <summary>The form exact matching compares: trimmed, lower case (invariant). "H100" and "h100 " are one name.</summary>
    public static string Key(string? text) => (text ?? "").Trim().ToLowerInvariant();
}

/// <summary>A --gpu value resolved once: "cpu", a hardware-catalog id or alias (h100 = h100-sxm), or a literal name.</summary>
internal sealed record GpuTerm(string Text, bool Cpu, string? CatalogId)
{
    public string Key => RunFacts.Key(Text);

    public static GpuTerm Resolve(string text)
    {
        var key = RunFacts.Key(text);
        if (key == "cpu") return new GpuTerm(text, true, null);
        var gpu = HardwareCatalog.BuiltIn().Gpus.FirstOrDefault(g => RunFacts.Key(g.Id) == key || g.Aliases.Any(a => RunFacts.Key(a) == key));
        return new GpuTerm(text, false, gpu?.Id);
    }
}

/// <summary>
/// Exact (case-insensitive) matching of runs against a <see cref="HistoryFilter"/>. The results store
/// translates the same rules to SQL (Store/SqlResultStore.cs); tests check both give the same runs.
/// </summary>
internal static class RunMatching
{
    public static bool Matches(RunFacts f, HistoryFilter filter)
    {
        long started = f.Identity.StartedUtc.UtcTicks;
        if (filter.Since is { } since && started < since.UtcTicks) return false;
        if (filter.Until is { } until && started >= until.UtcTicks) return false;
        if (Given(filter.Model) is { } m
            && RunFacts.Key(f.Identity.Model) != m && RunFacts.Key(f.SyntheticOf) != m && RunFacts.Key(f.ModelSpec) != m) return false;
        if (Given(filter.Host) is { } h && RunFacts.Key(f.Identity.Host) != h) return false;
        if (Given(filter.Precision) is { } p && RunFacts.Key(Words.Of(f.Identity.Precision)) != p) return false;
        if (Given(filter.Engine) is { } e && RunFacts.Key(Words.Of(f.Identity.Engine)) != e) return false;
        if (Given(filter.Gpu) is not null && !MatchesGpu(f, GpuTerm.Resolve(filter.Gpu!))) return false;
        return true;
    }

    /// <summary>
    /// "cpu": a CPU run. Otherwise the run's hardware label exactly ("AMD EPYC 9654", "2 x NVIDIA H100 80GB HBM3"),
    /// or, for a GPU run, one of its GPUs by the exact NVML name or by hardware-catalog id/alias.
    /// </summary>
    public static bool MatchesGpu(RunFacts f, GpuTerm term)
    {
        if (term.Cpu) return f.DeviceKind == "cpu";
        if (RunFacts.Key(f.Identity.Hardware) == term.Key) return true;
        return f.DeviceKind != "cpu" && f.Gpus.Any(g => RunFacts.Key(g.Name) == term.Key || (term.CatalogId is not null && g.CatalogId == term.CatalogId));
    }

    /// <summary>The key of a filter value, or null when the filter does not constrain it.</summary>
    public static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : RunFacts.Key(value);
}

using InferenceEconomics.Common;

namespace InferenceEconomics.Economics;

/// <summary>The built-in workloads (embedded Data/workloads.json, the format of a user's workload file: docs/workloads.md).</summary>
public static class Workloads
{
    private static readonly Lazy<IReadOnlyList<WorkloadDefinition>> BuiltIn =
        new(() => WorkloadFiles.Parse(DataFile.ReadEmbedded(WorkloadFiles.BuiltInFileName), "built-in workloads.json"));

    public static IReadOnlyList<WorkloadDefinition> All => BuiltIn.Value;

    public static WorkloadDefinition Find(string name) =>
        All.FirstOrDefault(w => w.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new InferenceEconomicsException(ErrorKind.UnknownName,
            $"unknown workload '{name}'{Suggest.DidYouMean(name, All.Select(w => w.Name))}; known: {string.Join(", ", All.Select(w => w.Name))} (or give a workload file, or --input-tokens N --output-tokens N)");

    /// <summary>A built-in name, or a workload file (FILE or FILE#NAME).</summary>
    public static WorkloadDefinition Resolve(string nameOrFile) =>
        WorkloadFiles.LooksLikeFile(nameOrFile) ? WorkloadFiles.Load(nameOrFile) : Find(nameOrFile);
}

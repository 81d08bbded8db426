using System.Globalization;
using System.Text;

namespace InferenceEconomics.Fleet;

/// <summary>Where a share of the matrix runs: a Slurm partition and/or a GPU type (Slurm --gres gpu:TYPE:N, a Kubernetes node selector value).</summary>
public sealed record FleetTarget(string? Partition, string? GpuType)
{
    /// <summary>"h100", "gpu-h100" (partition-type) or "default" when neither is set.</summary>
    public string Name => string.Join("-", new[] { Partition, GpuType }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } n ? n : "default";
}

/// <summary>One task of the array: a model and the sweep lists it runs (null list: the run's default).</summary>
public sealed record FleetCell(int Index, string Model, IReadOnlyList<int>? BatchSizes, IReadOnlyList<int>? PromptTokens, IReadOnlyList<int>? GenTokens)
{
    /// <summary>The run options this cell sets; the task adds the matrix's pass-through options after them.</summary>
    public IReadOnlyList<string> RunArguments
    {
        get
        {
            var args = new List<string> { "--model", Model };
            if (BatchSizes is not null) args.AddRange(["--batch", Join(BatchSizes)]);
            if (PromptTokens is not null) args.AddRange(["--prompt-tokens", Join(PromptTokens)]);
            if (GenTokens is not null) args.AddRange(["--gen-tokens", Join(GenTokens)]);
            return args;
        }
    }

    private static string Join(IEnumerable<int> xs) => string.Join(",", xs.Select(x => x.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>
/// The fleet matrix: models x sweep lists (each split dimension becomes its own tasks) x targets.
/// Each target is one array job (Slurm) or one Indexed Job (Kubernetes) over the same cells, because
/// a partition or GPU type is chosen per job, not per task.
/// </summary>
public sealed record FleetMatrix
{
    /// <summary>Options the matrix sets itself; pass-through options may not repeat them.</summary>
    public static readonly IReadOnlyList<string> ReservedRunOptions = ["--model", "--batch", "--prompt-tokens", "--gen-tokens", "--results", "--store", "--no-store"];
    public static readonly IReadOnlyList<string> SplitDimensions = ["batch", "prompt", "gen"];

    public required IReadOnlyList<string> Models { get; init; }
    public IReadOnlyList<int>? BatchSizes { get; init; }
    public IReadOnlyList<int>? PromptTokens { get; init; }
    public IReadOnlyList<int>? GenTokens { get; init; }
    /// <summary>Dimensions whose values become separate tasks ("batch", "prompt", "gen"); the others stay lists inside one run.</summary>
    public IReadOnlyList<string> Split { get; init; } = [];
    public IReadOnlyList<string> Partitions { get; init; } = [];
    public IReadOnlyList<string> GpuTypes { get; init; } = [];
    /// <summary>Further `run` options every task gets (e.g. --min-reps 1 --no-idle), after the cell's own.</summary>
    public IReadOnlyList<string> RunArguments { get; init; } = [];

    public void Validate()
    {
        if (Models.Count == 0) throw Usage("the matrix has no model; give --models a,b");
        foreach (var s in Split)
            if (!SplitDimensions.Contains(s)) throw Usage($"--split '{s}' is not one of {string.Join(", ", SplitDimensions)}");
        if (Split.Contains("batch") && BatchSizes is null) throw Usage("--split batch needs --batch LIST");
        if (Split.Contains("prompt") && PromptTokens is null) throw Usage("--split prompt needs --prompt-tokens LIST");
        if (Split.Contains("gen") && GenTokens is null) throw Usage("--split gen needs --gen-tokens LIST");
        foreach (var a in RunArguments)
        {
            var name = a.Split('=', 2)[0];
            if (ReservedRunOptions.Contains(name))
                throw Usage($"pass-through option {name} is set by the matrix; use the fleet options (--models, --batch, --prompt-tokens, --gen-tokens, --results, --store)");
        }
    }

    /// <summary>Targets: partitions x GPU types (either may be empty), or one default target.</summary>
    public IReadOnlyList<FleetTarget> Targets()
    {
        IReadOnlyList<string?> parts = Partitions.Count > 0 ? Partitions.ToList<string?>() : [null];
        IReadOnlyList<string?> types = GpuTypes.Count > 0 ? GpuTypes.ToList<string?>() : [null];
        return parts.SelectMany(p => types.Select(t => new FleetTarget(p, t))).ToList();
    }

    /// <summary>The array's cells, index 0..N-1: model, then batch, prompt and gen values of the split dimensions, in the order given.</summary>
    public IReadOnlyList<FleetCell> Cells()
    {
        IEnumerable<IReadOnlyList<int>?> Dim(string name, IReadOnlyList<int>? values) =>
            Split.Contains(name) && values is not null ? values.Select(v => (IReadOnlyList<int>?)new[] { v }) : [values];
        var cells = new List<FleetCell>();
        foreach (var m in Models)
            foreach (var b in Dim("batch", BatchSizes))
                foreach (var p in Dim("prompt", PromptTokens))
                    foreach (var g in Dim("gen", GenTokens))
                        cells.Add(new FleetCell(cells.Count, m, b, p, g));
        return cells;
    }

    private static InferenceEconomicsException Usage(string message) => new(ErrorKind.Usage, message);
}

/// <summary>The shell every task runs (Slurm and Kubernetes alike): pick the cell by index, then exec the harness.</summary>
internal static class TaskShell
{
    /// <summary>A word quoted for bash: '…' with embedded quotes escaped.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";

    /// <param name="indexVariable">SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.</param>
    /// <param name="ieCommand">The harness command words (./run.sh, or dotnet …/ie.dll); IE_CMD in the task's environment overrides it.</param>
    public static string Body(string indexVariable, IReadOnlyList<FleetCell> cells, IReadOnlyList<string> runArguments,
        IReadOnlyList<string> ieCommand, string resultsDir, string? projectRoot)
    {
        var sb = new StringBuilder();
        sb.AppendLine("set -euo pipefail");
        sb.AppendLine("if [[ -z \"${IE_STORE:-}\" ]]; then");
        sb.AppendLine("  echo \"error: IE_STORE is not set: the results store URL comes from the environment (never from this file)\" >&2; exit 2");
        sb.AppendLine("fi");
        if (projectRoot is not null) sb.AppendLine($"export IE_ROOT={Quote(projectRoot)}");
        sb.AppendLine($"if [[ -n \"${{IE_CMD:-}}\" ]]; then read -r -a ie <<<\"$IE_CMD\"; else ie=({string.Join(' ', ieCommand.Select(Quote))}); fi");
        sb.AppendLine($"case \"${{{indexVariable}:-}}\" in");
        foreach (var c in cells)
            sb.AppendLine($"  {c.Index.ToString(CultureInfo.InvariantCulture)}) cell=({string.Join(' ', c.RunArguments.Select(Quote))}) ;;");
        sb.AppendLine($"  *) echo \"error: index '${{{indexVariable}:-}}' is outside this matrix (0-{cells.Count - 1})\" >&2; exit 2 ;;");
        sb.AppendLine("esac");
        // The store is found through IE_STORE by the run itself: the URL never appears on a command line (ps) or in a log.
        var extra = runArguments.Count > 0 ? " " + string.Join(' ', runArguments.Select(Quote)) : "";
        sb.AppendLine($"exec \"${{ie[@]}}\" run \"${{cell[@]}}\"{extra} --results {Quote(resultsDir)} --quiet");
        return sb.ToString();
    }
}

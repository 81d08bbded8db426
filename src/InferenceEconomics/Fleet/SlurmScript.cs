using System.Globalization;
using System.Text;

namespace InferenceEconomics.Fleet;

/// <summary>Options of the sbatch array jobs (one per target).</summary>
public sealed record SlurmSettings
{
    public string JobName { get; init; } = "ie-fleet";
    /// <summary>GPUs each task gets when the target has a GPU type (--gres gpu:TYPE:N).</summary>
    public int GpusPerTask { get; init; } = 1;
    /// <summary>An explicit --gres for every task (overrides the one built from the GPU type).</summary>
    public string? Gres { get; init; }
    public int CpusPerTask { get; init; } = 1;
    /// <summary>--time, e.g. "01:00:00".</summary>
    public string Time { get; init; } = "01:00:00";
    public string? Memory { get; init; }
    public string? Account { get; init; }
    /// <summary>At most this many tasks at once (--array=0-N%K); null: no limit.</summary>
    public int? MaxConcurrent { get; init; }
    /// <summary>The harness as each node runs it (default: the project's run.sh).</summary>
    public required IReadOnlyList<string> IeCommand { get; init; }
    public required string ResultsDir { get; init; }
    public required string ProjectRoot { get; init; }
    /// <summary>Folder of the tasks' output files (%x_%A_%a.out).</summary>
    public required string LogDir { get; init; }
}

/// <summary>Writes an sbatch array script: one task per matrix cell, on one target.</summary>
public static class SlurmScript
{
    public static string Render(FleetMatrix matrix, FleetTarget target, SlurmSettings s)
    {
        var cells = matrix.Cells();
        var sb = new StringBuilder();
        string name = JobName(s.JobName, target);
        sb.AppendLine("#!/bin/bash");
        sb.AppendLine($"#SBATCH --job-name={name}");
        sb.AppendLine(Inv($"#SBATCH --array=0-{cells.Count - 1}{(s.MaxConcurrent is { } k ? $"%{k}" : "")}"));
        if (target.Partition is not null) sb.AppendLine($"#SBATCH --partition={target.Partition}");
        var gres = s.Gres ?? (target.GpuType is not null ? Inv($"gpu:{target.GpuType}:{s.GpusPerTask}") : null);
        if (gres is not null) sb.AppendLine($"#SBATCH --gres={gres}");
        sb.AppendLine(Inv($"#SBATCH --cpus-per-task={s.CpusPerTask}"));
        sb.AppendLine("#SBATCH --ntasks=1");
        sb.AppendLine($"#SBATCH --time={s.Time}");
        if (s.Memory is not null) sb.AppendLine($"#SBATCH --mem={s.Memory}");
        if (s.Account is not null) sb.AppendLine($"#SBATCH --account={s.Account}");
        sb.AppendLine($"#SBATCH --output={Path.Combine(s.LogDir, "%x_%A_%a.out")}");
        sb.AppendLine($"#SBATCH --chdir={s.ProjectRoot}");
        sb.AppendLine("#");
        sb.AppendLine(Inv($"# InferenceEconomics fleet: {cells.Count} task(s) on target '{target.Name}', one per matrix cell (model x sweep)."));
        sb.AppendLine("# Each task measures on its node, writes its run folder and records the run in the results store");
        sb.AppendLine("# named by IE_STORE, which sbatch passes on from the submitting shell: the URL is never written here.");
        sb.AppendLine("# Submit: IE_STORE=postgres://user:password@host:5432/db sbatch <this file>   (or ./run.sh fleet slurm ... --submit)");
        sb.AppendLine("# Progress: ./run.sh fleet status --job <job id>");
        foreach (var c in cells)
            sb.AppendLine(Inv($"#   task {c.Index}: {string.Join(' ', c.RunArguments)}"));
        sb.Append(TaskShell.Body("SLURM_ARRAY_TASK_ID", cells, matrix.RunArguments, s.IeCommand, s.ResultsDir, s.ProjectRoot));
        return sb.ToString();
    }

    public static string JobName(string baseName, FleetTarget target) => target.Name == "default" ? baseName : $"{baseName}-{target.Name}";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

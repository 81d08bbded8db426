using System.Globalization;
using System.Text;
using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Fleet;
using InferenceEconomics.Results;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

/// <summary>fleet: the measurement matrix as Slurm array jobs or Kubernetes Indexed Jobs, and their progress.</summary>
internal static class FleetCommands
{
    public static ICliCommand Group { get; } = new CommandGroup("fleet",
        "run a matrix of measurements across GPU nodes (Slurm sbatch arrays, Kubernetes Indexed Jobs)",
        "The matrix: models x sweep lists x targets. Every task runs `run` with its cell's options and the options after `--`,\n" +
        "and records its run in the results store named by IE_STORE (never written into the script or manifest: sbatch passes\n" +
        "the submitting shell's environment on; Kubernetes reads a Secret). Exit codes: 0 written/submitted/status shown;\n" +
        "2 bad options; 15 the store cannot be opened; 17 sbatch or squeue missing, or the submission refused.",
        new FleetSlurmCommand(), new FleetKubernetesCommand(), new FleetStatusCommand());

    /// <summary>The matrix options every fleet verb that writes jobs shares.</summary>
    internal static void DeclareMatrix<T>(CliCommand<T> c) where T : class, IFleetSettings, new()
    {
        c.Option(s => s.Matrix.Models, "--models", "A,B", "models (aliases, folders, synthetic:<preset>)");
        c.Option(s => s.Matrix.BatchSizes, "--batch", "LIST", "batch sizes of every task", defaultText: "the run's default");
        c.Option(s => s.Matrix.PromptTokens, "--prompt-tokens", "LIST", "prompt lengths of every task", defaultText: "the run's default");
        c.Option(s => s.Matrix.GenTokens, "--gen-tokens", "LIST", "generated lengths of every task", defaultText: "the run's default");
        c.Option(s => s.Matrix.Split, "--split", "DIMS", "dimensions whose values become separate tasks", choices: FleetMatrix.SplitDimensions);
        c.Option(s => s.Matrix.GpuTypes, "--gpu-types", "T,U", "one job per GPU type (Slurm --gres gpu:T:N; Kubernetes node selector)");
        c.Option(s => s.Name, "--name", "NAME", "job name");
        c.Argument(s => s.RunOptions, "run-options", "options after -- that every task passes to run (e.g. -- --device cuda --min-reps 3)",
            min: 0, max: int.MaxValue, passThrough: true);
    }

    internal static FleetMatrix Matrix(IFleetSettings s) => s.Matrix with { RunArguments = s.RunOptions };

    internal static string Render(FleetStatusReport r, string store)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"job {r.Job}: {r.Tasks.Count} task(s): {r.Stored} stored in {store}, {r.Live} pending or running, {r.Failed} ended without a stored run"));
        var rows = new List<string[]> { new[] { "task", "scheduler", "exit", "run", "status" } };
        foreach (var t in r.Tasks)
            rows.Add([t.Task.ToString(CultureInfo.InvariantCulture), t.SchedulerState ?? "-", t.ExitCode ?? "-", t.Run?.RunId ?? "-", t.Run?.Status ?? "-"]);
        var widths = Enumerable.Range(0, 5).Select(i => rows.Max(x => x[i].Length)).ToArray();
        foreach (var row in rows) sb.AppendLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        foreach (var n in r.Notes) sb.AppendLine($"note: {n}");
        return sb.ToString();
    }
}

/// <summary>Settings shared by the fleet verbs that write jobs.</summary>
internal interface IFleetSettings
{
    FleetMatrix Matrix { get; set; }
    string Name { get; set; }
    List<string> RunOptions { get; set; }
}

internal sealed class FleetSlurmSettings : IFleetSettings
{
    public FleetMatrix Matrix { get; set; } = new() { Models = [] };
    public string Name { get; set; } = new SlurmSettings { IeCommand = [], ResultsDir = "", ProjectRoot = "", LogDir = "" }.JobName;
    public List<string> RunOptions { get; set; } = [];
    /// <summary>The sbatch settings; the required paths are filled in when the command runs.</summary>
    public SlurmSettings Slurm { get; set; } = new() { IeCommand = [], ResultsDir = "", ProjectRoot = "", LogDir = "" };
    public string? IeCommand { get; set; }
    public string? Results { get; set; }
    public string? Out { get; set; }
    public bool Submit { get; set; }
    public string? Store { get; set; }
}

internal sealed class FleetSlurmCommand : CliCommand<FleetSlurmSettings>
{
    private const string SlurmGroup = "Slurm";

    public override string Name => "slurm";
    public override string Summary => "write (and with --submit, submit) sbatch array jobs over the matrix";
    public override string Usage => $"{EntryPoint.Name} fleet slurm --models A,B [options] [--submit] [-- run options]";
    public override IReadOnlyList<string> Examples =>
        [$"{EntryPoint.Name} fleet slurm --models phi,llama-3.2-1b --batch 1,8 --split batch --gpu-types h100,h200 --submit -- --device cuda"];

    public FleetSlurmCommand()
    {
        FleetCommands.DeclareMatrix(this);
        Option(s => s.Matrix.Partitions, "--partitions", "P,Q", "one array job per partition (x GPU type)", group: SlurmGroup);
        Option(s => s.Slurm.Gres, "--gres", "SPEC", "an explicit --gres for every task (instead of gpu:TYPE:N)", group: SlurmGroup);
        Option(s => s.Slurm.GpusPerTask, "--gpus-per-task", "N", "GPUs per task with a GPU type", group: SlurmGroup);
        Option(s => s.Slurm.CpusPerTask, "--cpus-per-task", "N", "CPUs per task", group: SlurmGroup);
        Option(s => s.Slurm.Time, "--time", "HH:MM:SS", "time limit of a task", group: SlurmGroup);
        Option(s => s.Slurm.Memory, "--mem", "SIZE", "memory of a task", group: SlurmGroup);
        Option(s => s.Slurm.Account, "--account", "A", "the account to charge", group: SlurmGroup);
        Option(s => s.Slurm.MaxConcurrent, "--max-concurrent", "N", "at most N tasks of an array at once", group: SlurmGroup);
        Option(s => s.IeCommand, "--ie-command", "CMD", "the harness as each node starts it; IE_CMD in a task's environment overrides it",
            group: SlurmGroup, defaultText: "this project's run.sh");
        Option(s => s.Results, "--results", "DIR", "where the tasks write run folders (a shared filesystem)", group: SlurmGroup, defaultText: "results/");
        Option(s => s.Out, "--out", "DIR", "folder for the scripts and logs", group: SlurmGroup, defaultText: "results/fleet/NAME");
        Flag(s => s.Submit, "--submit", "submit each script with sbatch and print the job ids", group: SlurmGroup);
        Option(s => s.Store, "--store", "URL|PATH", StoreCli.Help, defaultText: "the IE_STORE environment variable, else results/runs.db");
    }

    protected override int Execute(FleetSlurmSettings s, CliContext context)
    {
        var matrix = FleetCommands.Matrix(s);
        var outDir = Path.GetFullPath(s.Out ?? Path.Combine(context.Paths.ResultsDir, "fleet", ResultStore.Sanitize(s.Name)));
        var settings = s.Slurm with
        {
            JobName = s.Name,
            IeCommand = s.IeCommand is { } c ? c.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [Path.Combine(context.Paths.Root, "run.sh")],
            ResultsDir = Path.GetFullPath(s.Results ?? context.Paths.ResultsDir),
            ProjectRoot = context.Paths.Root,
            LogDir = Path.Combine(outDir, "logs"),
        };
        matrix.Validate();

        Directory.CreateDirectory(settings.LogDir);
        var cells = matrix.Cells();
        var scripts = new List<(FleetTarget Target, string Path)>();
        foreach (var target in matrix.Targets())
        {
            var path = Path.Combine(outDir, SlurmScript.JobName(s.Name, target) + ".sbatch");
            AtomicFile.Write(path, SlurmScript.Render(matrix, target, settings));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            scripts.Add((target, path));
            context.Out.WriteLine($"wrote {path} ({cells.Count} task(s) on target {target.Name})");
        }
        if (!s.Submit)
        {
            context.Out.WriteLine("submit: IE_STORE=<store URL> sbatch <script>   (or rerun with --submit)");
            return 0;
        }

        var location = StoreLocation.Resolve(s.Store, context.Paths.ResultsDir);
        using (ResultStores.Open(location)) { } // fail here, not in every task: the store must open (and gets its schema once)
        if (location.Kind == StoreKind.Sqlite)
            context.Error.WriteLine(TerminalText.Clean($"note: the store is the SQLite file {location.Display}: safe for tasks on this machine only; use PostgreSQL (--store postgres://…) for a cluster"));
        var client = new SlurmClient();
        foreach (var (_, path) in scripts)
        {
            var id = client.Submit(path, location);
            context.Out.WriteLine($"submitted {Path.GetFileName(path)}: job {id} ({cells.Count} task(s)); progress: {EntryPoint.Name} fleet status --job {id} --tasks {cells.Count}");
        }
        return 0;
    }
}

internal sealed class FleetKubernetesSettings : IFleetSettings
{
    private static readonly KubernetesSettings Defaults = new() { Image = "" };

    public FleetMatrix Matrix { get; set; } = new() { Models = [] };
    public string Name { get; set; } = Defaults.JobName;
    public List<string> RunOptions { get; set; } = [];
    public KubernetesSettings Kubernetes { get; set; } = Defaults with { };
    public string? IeCommand { get; set; }
    public string Secret { get; set; } = $"{Defaults.SecretName}:{Defaults.SecretKey}";
    public string? Out { get; set; }
}

internal sealed class FleetKubernetesCommand : CliCommand<FleetKubernetesSettings>
{
    private const string K8s = "Kubernetes";

    public override string Name => "k8s";
    public override string Summary => "write the matrix as Kubernetes Indexed Job manifests";
    public override string Usage => $"{EntryPoint.Name} fleet k8s --models A,B --image IMAGE [options] [-- run options]";
    public override IReadOnlyList<string> Examples =>
        [$"{EntryPoint.Name} fleet k8s --models phi --image registry.example/ie:latest --gpu-types NVIDIA-H100-80GB-HBM3"];

    public FleetKubernetesCommand()
    {
        FleetCommands.DeclareMatrix(this);
        Option(s => s.Kubernetes.Image, "--image", "IMAGE", "an image with the harness (on PATH as `ie`, or --ie-command) and bash", group: K8s);
        Option(s => s.Kubernetes.Namespace, "--namespace", "NS", "the namespace", group: K8s);
        Option(s => s.Kubernetes.Parallelism, "--parallelism", "N", "tasks at once", group: K8s);
        Option(s => s.Kubernetes.GpusPerTask, "--gpus-per-task", "N", "GPUs per task", group: K8s);
        Option(s => s.Kubernetes.GpuLabel, "--gpu-label", "LABEL", "the node label a GPU type is matched against", group: K8s);
        Option(s => s.Secret, "--secret", "NAME[:KEY]", "the Secret holding the store URL", group: K8s);
        Option(s => s.IeCommand, "--ie-command", "CMD", "the harness inside the image", group: K8s, defaultText: string.Join(' ', new KubernetesSettings { Image = "" }.IeCommand));
        Option(s => s.Out, "--out", "FILE", "the manifest file", group: K8s, defaultText: "results/fleet/NAME.yaml");
    }

    protected override int Execute(FleetKubernetesSettings s, CliContext context)
    {
        var matrix = FleetCommands.Matrix(s);
        if (string.IsNullOrWhiteSpace(s.Kubernetes.Image)) throw ValueParsers.Usage("fleet k8s needs --image IMAGE (an image with the harness and bash)");
        var secret = s.Secret.Split(':', 2);
        var settings = s.Kubernetes with
        {
            JobName = s.Name,
            IeCommand = s.IeCommand is { } c ? c.Split(' ', StringSplitOptions.RemoveEmptyEntries) : s.Kubernetes.IeCommand,
            SecretName = secret[0],
            SecretKey = secret.Length > 1 && secret[1].Length > 0 ? secret[1] : s.Kubernetes.SecretKey,
        };
        var outPath = Path.GetFullPath(s.Out ?? Path.Combine(context.Paths.ResultsDir, "fleet", ResultStore.Sanitize(s.Name) + ".yaml"));
        matrix.Validate();
        AtomicFile.Write(outPath, KubernetesJob.Render(matrix, settings));
        context.Out.WriteLine($"wrote {outPath} ({matrix.Targets().Count} Indexed Job(s) of {matrix.Cells().Count} task(s))");
        context.Out.WriteLine($"apply: kubectl create secret generic {settings.SecretName} --from-literal={settings.SecretKey}=<store URL>; kubectl apply -f {outPath}");
        return 0;
    }
}

internal sealed class FleetStatusSettings
{
    public string? Job { get; set; }
    public string? K8sJob { get; set; }
    public int? Tasks { get; set; }
    public string? Store { get; set; }
}

internal sealed class FleetStatusCommand : CliCommand<FleetStatusSettings>
{
    public override string Name => "status";
    public override string Summary => "the scheduler's view of each task joined with the runs the tasks stored";
    public override string Usage => $"{EntryPoint.Name} fleet status (--job ID | --k8s-job NAME) [--tasks N] [--store URL|PATH]";

    public FleetStatusCommand()
    {
        Option(s => s.Job, "--job", "ID", "a Slurm job id");
        Option(s => s.K8sJob, "--k8s-job", "NAME", "a Kubernetes job name");
        Option(s => s.Tasks, "--tasks", "N", "list tasks nobody knows about yet, up to N");
        Option(s => s.Store, "--store", "URL|PATH", StoreCli.Help, defaultText: "the IE_STORE environment variable, else results/runs.db");
    }

    protected override int Execute(FleetStatusSettings s, CliContext context)
    {
        if ((s.Job is null) == (s.K8sJob is null)) throw ValueParsers.Usage("fleet status needs --job ID (Slurm) or --k8s-job NAME (Kubernetes)");
        if (s.Tasks is < 1) throw ValueParsers.Usage($"--tasks {s.Tasks} must be 1 or more");
        using var store = StoreCli.OpenStore(s.Store, context.Paths.ResultsDir);
        var report = s.Job is not null
            ? FleetStatus.Slurm(s.Job, store, SlurmClient.Available ? new SlurmClient() : null, s.Tasks)
            : FleetStatus.Kubernetes(s.K8sJob!, store, s.Tasks);
        context.Out.Write(FleetCommands.Render(report, store.Description));
        return 0;
    }
}

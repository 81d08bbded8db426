using System.Globalization;
using System.Text;
using InferenceEconomics.Fleet;
using InferenceEconomics.Results;
using InferenceEconomics.Store;

namespace InferenceEconomics.Cli.Commands;

/// <summary>fleet: the measurement matrix as Slurm array jobs or Kubernetes Indexed Jobs, and their progress.</summary>
public sealed class FleetCommand : ICliCommand
{
    public string Name => "fleet";
    public string Summary => "run a matrix of measurements across GPU nodes (Slurm sbatch arrays, Kubernetes Indexed Jobs)";
    public string Help => """
        Usage: ./run.sh fleet slurm --models A,B [matrix options] [slurm options] [--submit] [-- run options]
               ./run.sh fleet k8s   --models A,B --image IMAGE [matrix options] [k8s options] [-- run options]
               ./run.sh fleet status --job ID [--tasks N] [--store URL|PATH]      (a Slurm job)
               ./run.sh fleet status --k8s-job NAME [--tasks N] [--store URL|PATH]

        The matrix: models x sweep lists x targets. Every task runs `run` with its cell's options, the
        options after `--`, and records its run in the results store named by IE_STORE (never written
        into the script or manifest: sbatch passes the submitting shell's environment on; Kubernetes
        reads a Secret).
          --models A,B           models (aliases, folders, synthetic:<preset>)
          --batch LIST --prompt-tokens LIST --gen-tokens LIST   the sweep of every task
          --split batch,prompt,gen   dimensions whose values become separate tasks (default: none)
          --gpu-types T,U        one job per GPU type (Slurm --gres gpu:T:N; Kubernetes node selector)
          --gpus-per-task N      GPUs per task with a GPU type (default 1)
          --name NAME            job name (default ie-fleet)
          --out PATH             slurm: folder for the scripts and logs (default results/fleet/NAME);
                                 k8s: the manifest file (default results/fleet/NAME.yaml)
        Slurm:
          --partitions P,Q       one array job per partition (x GPU type)
          --gres SPEC            an explicit --gres for every task (instead of gpu:TYPE:N)
          --cpus-per-task N (default 1)  --time HH:MM:SS (default 01:00:00)  --mem SIZE  --account A
          --max-concurrent N     at most N tasks of an array at once
          --ie-command "CMD"     the harness as each node starts it (default: this project's run.sh);
                                 IE_CMD in a task's environment overrides it
          --results DIR          where the tasks write run folders (default results/, shared filesystem)
          --submit               submit each script with sbatch and print the job ids
        Kubernetes:
          --image IMAGE          an image with the harness (on PATH as `ie`, or --ie-command) and bash
          --namespace NS  --parallelism N  --gpu-label LABEL (default nvidia.com/gpu.product)
          --secret NAME[:KEY]    the Secret holding the store URL (default ie-store:url)
        Status: the scheduler's view of each task (squeue, scontrol, sacct where accounting is on)
        joined with the runs the tasks stored; --tasks N lists tasks nobody knows about yet.
        """ + "\n" + StoreCli.OptionHelp + "\n\n" + """
        Exit codes: 0 written/submitted/status shown; 2 bad options; 15 the store cannot be opened;
        17 sbatch or squeue missing, or the submission refused.
        """;
    public IReadOnlyList<string> Examples =>
    [
        "./run.sh fleet slurm --models phi,llama-3.2-1b --batch 1,8 --split batch --gpu-types h100,h200 --submit -- --device cuda",
        "./run.sh fleet k8s --models phi --image registry.example/ie:latest --gpu-types NVIDIA-H100-80GB-HBM3",
    ];

    public int Run(CliArgs args, CliContext context)
    {
        var verb = args.Positionals.Count > 0 ? args.Positionals[0] : null;
        return verb switch
        {
            "slurm" => Slurm(args, context),
            "k8s" or "kubernetes" => Kubernetes(args, context),
            "status" => Status(args, context),
            null => throw CliArgs.Usage("fleet needs a verb: slurm, k8s or status; see ./run.sh fleet --help"),
            _ => throw CliArgs.Usage($"unknown fleet verb '{verb}'{Common.Suggest.DidYouMean(verb, ["slurm", "k8s", "status"])}; use slurm, k8s or status"),
        };
    }

    private static FleetMatrix ReadMatrix(CliArgs args) => new()
    {
        Models = args.StringList("--models") ?? throw CliArgs.Usage("fleet needs --models A,B (aliases, folders or synthetic:<preset>)"),
        BatchSizes = args.IntList("--batch", 1, 4096),
        PromptTokens = args.IntList("--prompt-tokens", 1),
        GenTokens = args.IntList("--gen-tokens", 2),
        Split = args.StringList("--split") ?? [],
        Partitions = args.StringList("--partitions") ?? [],
        GpuTypes = args.StringList("--gpu-types") ?? [],
        RunArguments = args.PassThrough(),
    };

    private static int Slurm(CliArgs args, CliContext context)
    {
        var matrix = ReadMatrix(args);
        var name = args.String("--name", "ie-fleet");
        var outDir = Path.GetFullPath(args.String("--out") ?? Path.Combine(context.Paths.ResultsDir, "fleet", ResultStore.Sanitize(name)));
        var ieCommand = args.String("--ie-command") is { } c ? c.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [Path.Combine(context.Paths.Root, "run.sh")];
        var settings = new SlurmSettings
        {
            JobName = name,
            GpusPerTask = args.Int("--gpus-per-task", 1, 64) ?? 1,
            Gres = args.String("--gres"),
            CpusPerTask = args.Int("--cpus-per-task", 1, 1024) ?? 1,
            Time = args.String("--time", "01:00:00"),
            Memory = args.String("--mem"),
            Account = args.String("--account"),
            MaxConcurrent = args.Int("--max-concurrent", 1),
            IeCommand = ieCommand,
            ResultsDir = Path.GetFullPath(args.String("--results") ?? context.Paths.ResultsDir),
            ProjectRoot = context.Paths.Root,
            LogDir = Path.Combine(outDir, "logs"),
        };
        bool submit = args.Flag("--submit");
        var storeOption = args.String("--store");
        args.EnsureAllUsed(maxPositionals: 1);
        matrix.Validate();

        Directory.CreateDirectory(settings.LogDir);
        var cells = matrix.Cells();
        var scripts = new List<(FleetTarget Target, string Path)>();
        foreach (var target in matrix.Targets())
        {
            var path = Path.Combine(outDir, SlurmScript.JobName(name, target) + ".sbatch");
            ResultStore.WriteAtomic(path, SlurmScript.Render(matrix, target, settings));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            scripts.Add((target, path));
            context.Out.WriteLine($"wrote {path} ({cells.Count} task(s) on target {target.Name})");
        }
        if (!submit)
        {
            context.Out.WriteLine("submit: IE_STORE=<store URL> sbatch <script>   (or rerun with --submit)");
            return 0;
        }

        var location = StoreLocation.Resolve(storeOption, context.Paths.ResultsDir);
        using (ResultStores.Open(location)) { } // fail here, not in every task: the store must open (and gets its schema once)
        if (location.Kind == StoreKind.Sqlite)
            context.Error.WriteLine($"note: the store is the SQLite file {location.Display}: safe for tasks on this machine only; use PostgreSQL (--store postgres://…) for a cluster");
        var client = new SlurmClient();
        foreach (var (target, path) in scripts)
        {
            var id = client.Submit(path, location);
            context.Out.WriteLine($"submitted {Path.GetFileName(path)}: job {id} ({cells.Count} task(s)); progress: ./run.sh fleet status --job {id} --tasks {cells.Count}");
        }
        return 0;
    }

    private static int Kubernetes(CliArgs args, CliContext context)
    {
        var matrix = ReadMatrix(args);
        var name = args.String("--name", "ie-fleet");
        var secret = (args.String("--secret") ?? "ie-store:url").Split(':', 2);
        var settings = new KubernetesSettings
        {
            JobName = name,
            Image = args.String("--image") ?? throw CliArgs.Usage("fleet k8s needs --image IMAGE (an image with the harness and bash)"),
            Namespace = args.String("--namespace"),
            IeCommand = args.String("--ie-command") is { } c ? c.Split(' ', StringSplitOptions.RemoveEmptyEntries) : ["ie"],
            SecretName = secret[0],
            SecretKey = secret.Length > 1 && secret[1].Length > 0 ? secret[1] : "url",
            Parallelism = args.Int("--parallelism", 1),
            GpusPerTask = args.Int("--gpus-per-task", 0, 64) ?? 1,
            GpuLabel = args.String("--gpu-label", "nvidia.com/gpu.product"),
        };
        var outPath = Path.GetFullPath(args.String("--out") ?? Path.Combine(context.Paths.ResultsDir, "fleet", ResultStore.Sanitize(name) + ".yaml"));
        args.EnsureAllUsed(maxPositionals: 1);
        matrix.Validate();
        ResultStore.WriteAtomic(outPath, KubernetesJob.Render(matrix, settings));
        context.Out.WriteLine($"wrote {outPath} ({matrix.Targets().Count} Indexed Job(s) of {matrix.Cells().Count} task(s))");
        context.Out.WriteLine($"apply: kubectl create secret generic {settings.SecretName} --from-literal={settings.SecretKey}=<store URL>; kubectl apply -f {outPath}");
        return 0;
    }

    private static int Status(CliArgs args, CliContext context)
    {
        var job = args.String("--job");
        var k8sJob = args.String("--k8s-job");
        int? tasks = args.Int("--tasks", 1);
        var storeOption = args.String("--store");
        args.EnsureAllUsed(maxPositionals: 1);
        if ((job is null) == (k8sJob is null)) throw CliArgs.Usage("fleet status needs --job ID (Slurm) or --k8s-job NAME (Kubernetes)");

        using var store = StoreCli.OpenStore(storeOption, context.Paths.ResultsDir);
        var report = job is not null
            ? FleetStatus.Slurm(job, store, SlurmClient.Available ? new SlurmClient() : null, tasks)
            : FleetStatus.Kubernetes(k8sJob!, store, tasks);
        context.Out.Write(Render(report, store.Description));
        return 0;
    }

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

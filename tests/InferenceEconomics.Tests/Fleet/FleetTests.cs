using System.Diagnostics;
using InferenceEconomics.Fleet;
using InferenceEconomics.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace InferenceEconomics.Tests.Fleet;

/// <summary>The fleet matrix as an sbatch array script and as Kubernetes Indexed Jobs: the files parsed and their shell run for real.</summary>
public class FleetTests
{
    // Two models (one with a space and a quote, to test quoting) x batch split in two = 4 cells.
    private static readonly FleetMatrix Matrix = new()
    {
        Models = ["synthetic:tiny", "models/it's mine"],
        BatchSizes = [1, 8],
        PromptTokens = [128, 512],
        Split = ["batch"],
        GpuTypes = ["NVIDIA-H100-80GB-HBM3", "NVIDIA-H200"],
        RunArguments = ["--min-reps", "1", "--no-idle"],
    };

    /// <summary>What task i must run, written out by hand: model-major, then the batch value; the prompt list stays whole.</summary>
    private static readonly string[][] Expected =
    [
        ["run", "--model", "synthetic:tiny", "--batch", "1", "--prompt-tokens", "128,512", "--min-reps", "1", "--no-idle", "--results", "/data/r", "--quiet"],
        ["run", "--model", "synthetic:tiny", "--batch", "8", "--prompt-tokens", "128,512", "--min-reps", "1", "--no-idle", "--results", "/data/r", "--quiet"],
        ["run", "--model", "models/it's mine", "--batch", "1", "--prompt-tokens", "128,512", "--min-reps", "1", "--no-idle", "--results", "/data/r", "--quiet"],
        ["run", "--model", "models/it's mine", "--batch", "8", "--prompt-tokens", "128,512", "--min-reps", "1", "--no-idle", "--results", "/data/r", "--quiet"],
    ];

    /// <summary>Runs a task script in bash with the harness replaced by printf (one argument per line): what the task would execute.</summary>
    private static (int Code, string[] Args, string Err) RunTask(string script, string indexVariable, string? index, bool withStore = true)
    {
        using var tmp = new TempDir();
        var path = tmp.Combine("task.sh");
        File.WriteAllText(path, script);
        var psi = new ProcessStartInfo("bash", [path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["IE_CMD"] = "printf %s\\n";
        if (index is not null) psi.Environment[indexVariable] = index;
        psi.Environment.Remove("IE_STORE");
        if (withStore) psi.Environment["IE_STORE"] = "postgres://u:pw@db/x";
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEnd();
        var e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o.Split('\n', StringSplitOptions.RemoveEmptyEntries), e);
    }

    [Fact]
    public void Sbatch_array_script_maps_each_task_to_its_cell()
    {
        var target = Matrix.Targets()[0];
        Assert.Equal(2, Matrix.Targets().Count);
        var script = SlurmScript.Render(Matrix, target, new SlurmSettings
        {
            IeCommand = ["/opt/ie/run.sh"], ResultsDir = "/data/r", ProjectRoot = "/opt/ie", LogDir = "/data/logs", JobName = "bench", Time = "00:30:00",
        });
        var directives = script.Split('\n').Where(l => l.StartsWith("#SBATCH ", StringComparison.Ordinal)).Select(l => l[8..]).ToList();
        Assert.Contains("--array=0-3", directives);
        Assert.Contains("--gres=gpu:NVIDIA-H100-80GB-HBM3:1", directives);
        Assert.Contains("--job-name=bench-NVIDIA-H100-80GB-HBM3", directives);
        Assert.Contains("--time=00:30:00", directives);
        Assert.Contains("--output=/data/logs/%x_%A_%a.out", directives);
        Assert.DoesNotContain("://", Code(script)); // no store URL in the file (comments show the form of one)

        for (int i = 0; i < 4; i++)
        {
            var (code, args, err) = RunTask(script, "SLURM_ARRAY_TASK_ID", i.ToString());
            Assert.True(code == 0, err);
            Assert.Equal(Expected[i], args);
        }
        var outside = RunTask(script, "SLURM_ARRAY_TASK_ID", "4");
        Assert.Equal(2, outside.Code);
        Assert.Contains("outside this matrix (0-3)", outside.Err);
        var noStore = RunTask(script, "SLURM_ARRAY_TASK_ID", "0", withStore: false);
        Assert.Equal(2, noStore.Code);
        Assert.Contains("IE_STORE is not set", noStore.Err);
    }

    [Fact]
    public void Kubernetes_manifest_is_one_indexed_job_per_gpu_type_with_the_store_from_a_secret()
    {
        var yaml = KubernetesJob.Render(Matrix, new KubernetesSettings { Image = "registry.example/ie:1", SecretName = "bench-store", SecretKey = "dsn", ResultsDir = "/data/r", Parallelism = 2 });
        Assert.DoesNotContain("://", Code(yaml));
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        Assert.Equal(2, stream.Documents.Count);
        var types = new[] { "NVIDIA-H100-80GB-HBM3", "NVIDIA-H200" };
        for (int d = 0; d < 2; d++)
        {
            var job = (YamlMappingNode)stream.Documents[d].RootNode;
            Assert.Equal("batch/v1", S(job, "apiVersion"));
            Assert.Equal("Job", S(job, "kind"));
            Assert.Equal($"ie-fleet-{types[d].ToLowerInvariant()}", S(M(job, "metadata"), "name"));
            var spec = M(job, "spec");
            Assert.Equal("Indexed", S(spec, "completionMode"));
            Assert.Equal("4", S(spec, "completions"));
            Assert.Equal("2", S(spec, "parallelism"));
            var pod = M(M(spec, "template"), "spec");
            Assert.Equal("Never", S(pod, "restartPolicy"));
            Assert.Equal(types[d], S(M(pod, "nodeSelector"), "nvidia.com/gpu.product"));
            var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Single();
            Assert.Equal("registry.example/ie:1", S(container, "image"));
            Assert.Equal("1", S(M(M(container, "resources"), "limits"), "nvidia.com/gpu"));
            var env = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToList();
            var store = env.Single(e => S(e, "name") == "IE_STORE");
            Assert.False(store.Children.ContainsKey("value")); // never inline
            var secretRef = M(M(store, "valueFrom"), "secretKeyRef");
            Assert.Equal(("bench-store", "dsn"), (S(secretRef, "name"), S(secretRef, "key")));
            Assert.All(env, e => Assert.False(e.Children.ContainsKey("value")));

            var command = ((YamlSequenceNode)container["command"]).Cast<YamlScalarNode>().Select(n => n.Value!).ToList();
            Assert.Equal(["/bin/bash", "-c"], command.Take(2));
            for (int i = 0; i < 4; i++)
            {
                var (code, args, err) = RunTask(command[2], "JOB_COMPLETION_INDEX", i.ToString());
                Assert.True(code == 0, err);
                Assert.Equal(Expected[i], args);
            }
        }
    }

    [Fact]
    public void Fleet_cli_checks_the_matrix_and_writes_the_files()
    {
        using var root = new TempDir();
        var paths = new InferenceEconomics.Common.ProjectPaths(root.Path);
        Assert.Equal(2, CliRunner.RunWith(paths, "fleet", "slurm", "--batch", "1").ExitCode);                                   // no --models
        Assert.Equal(2, CliRunner.RunWith(paths, "fleet", "slurm", "--models", "a", "--split", "batch").ExitCode);              // split without a list
        Assert.Equal(2, CliRunner.RunWith(paths, "fleet", "slurm", "--models", "a", "--", "--model", "b").ExitCode);            // reserved pass-through
        Assert.Equal(2, CliRunner.RunWith(paths, "fleet", "k8s", "--models", "a", "--image", "i", "--partitions", "p").ExitCode); // no partitions in k8s
        Assert.Equal(2, CliRunner.RunWith(paths, "fleet", "deploy").ExitCode);
        Assert.Equal(2, CliRunner.RunWith(paths, "history", "--", "--x").ExitCode);                                             // nothing to pass through

        var o = CliRunner.RunWith(paths, "fleet", "slurm", "--models", "synthetic:tiny", "--batch", "1,8", "--split", "batch",
            "--partitions", "gpu,debug", "--out", root.Combine("fleet"), "--store", "postgres://ie:S3cretPw@db:5432/ie", "--", "--min-reps", "1");
        Assert.True(o.ExitCode == 0, o.Err);
        var scripts = Directory.GetFiles(root.Combine("fleet"), "*.sbatch").Order().ToList();
        Assert.All(scripts, f => Assert.DoesNotContain("S3cretPw", File.ReadAllText(f)));
        Assert.DoesNotContain("S3cretPw", o.Out + o.Err);
        Assert.Equal(["ie-fleet-debug.sbatch", "ie-fleet-gpu.sbatch"], scripts.Select(Path.GetFileName));
        Assert.Contains("#SBATCH --partition=gpu", File.ReadAllText(scripts[1]));
        Assert.True(Directory.Exists(root.Combine("fleet", "logs")));

        var k = CliRunner.RunWith(paths, "fleet", "k8s", "--models", "synthetic:tiny", "--image", "ie:1", "--out", root.Combine("job.yaml"));
        Assert.True(k.ExitCode == 0, k.Err);
        Assert.Contains("completionMode: Indexed", File.ReadAllText(root.Combine("job.yaml")));
    }

    private static string Code(string text) => string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));

    private static YamlMappingNode M(YamlMappingNode n, string key) => (YamlMappingNode)n[key];
    private static string S(YamlMappingNode n, string key) => ((YamlScalarNode)n[key]).Value!;
}

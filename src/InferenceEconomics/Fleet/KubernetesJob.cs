using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InferenceEconomics.Fleet;

/// <summary>Options of the Kubernetes Indexed Jobs (one per target).</summary>
public sealed record KubernetesSettings
{
    public string JobName { get; init; } = "ie-fleet";
    public string? Namespace { get; init; }
    /// <summary>An image holding the harness (and bash).</summary>
    public required string Image { get; init; }
    /// <summary>The harness inside the image.</summary>
    public IReadOnlyList<string> IeCommand { get; init; } = ["ie"];
    /// <summary>The Secret and key holding the store URL (kubectl create secret generic ie-store --from-literal=url=postgres://…).</summary>
    public string SecretName { get; init; } = "ie-store";
    public string SecretKey { get; init; } = "url";
    public int? Parallelism { get; init; }
    public int GpusPerTask { get; init; } = 1;
    /// <summary>The node label a target's GPU type is matched against.</summary>
    public string GpuLabel { get; init; } = "nvidia.com/gpu.product";
    /// <summary>Run folders inside the container (ephemeral: the store keeps the results).</summary>
    public string ResultsDir { get; init; } = "/tmp/ie-results";
    /// <summary>Retries of one index before it counts as failed.</summary>
    public int BackoffLimitPerIndex { get; init; } = 1;
}

/// <summary>
/// Writes the matrix as Kubernetes Indexed Jobs (batch/v1, completionMode Indexed): one Job per
/// target, completions = the number of cells, index i runs cell i (JOB_COMPLETION_INDEX). The store
/// URL comes from a Secret (secretKeyRef), never inline.
/// </summary>
public static class KubernetesJob
{
    public static string Render(FleetMatrix matrix, KubernetesSettings s)
    {
        var stream = new YamlStream();
        foreach (var target in matrix.Targets())
            stream.Documents.Add(new YamlDocument(Job(matrix, target, s)));
        var sb = new StringBuilder();
        var cells = matrix.Cells();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"# InferenceEconomics fleet: {cells.Count} cell(s) per target; index i runs cell i:"));
        foreach (var c in cells) sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"#   {c.Index}: {string.Join(' ', c.RunArguments)}"));
        sb.AppendLine($"# The store URL comes from Secret {s.SecretName} (key {s.SecretKey}): kubectl create secret generic {s.SecretName} --from-literal={s.SecretKey}='postgres://user:password@host:5432/db'");
        using var w = new StringWriter(sb, CultureInfo.InvariantCulture);
        stream.Save(w, assignAnchors: false);
        return sb.ToString().Replace("...\n", "", StringComparison.Ordinal);
    }

    /// <summary>A DNS-1123 label: lower case letters, digits and '-', at most 63 characters.</summary>
    public static string DnsLabel(string text)
    {
        var sb = new StringBuilder();
        foreach (var ch in text.ToLowerInvariant()) sb.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '-');
        var s = sb.ToString().Trim('-');
        while (s.Contains("--", StringComparison.Ordinal)) s = s.Replace("--", "-", StringComparison.Ordinal);
        s = s.Length > 63 ? s[..63].TrimEnd('-') : s;
        return s.Length > 0 ? s : "ie-fleet";
    }

    private static YamlMappingNode Job(FleetMatrix matrix, FleetTarget target, KubernetesSettings s)
    {
        if (target.Partition is not null)
            throw new InferenceEconomicsException(ErrorKind.Usage, "Kubernetes has no partitions; choose nodes with --gpu-types (matched against the node label --gpu-label)");
        var cells = matrix.Cells();
        var name = DnsLabel(SlurmScript.JobName(s.JobName, target));
        var labels = Map(("app.kubernetes.io/name", "inference-economics"), ("inference-economics/fleet", DnsLabel(s.JobName)));

        var env = new YamlSequenceNode(
            Map(("name", "IE_STORE"), ("valueFrom", Map(("secretKeyRef", Map(("name", s.SecretName), ("key", s.SecretKey)))))),
            Map(("name", "IE_JOB_NAME"), ("valueFrom", Map(("fieldRef", Map(("fieldPath", "metadata.labels['batch.kubernetes.io/job-name']")))))));
        var script = new YamlScalarNode(TaskShell.Body("JOB_COMPLETION_INDEX", cells, matrix.RunArguments, s.IeCommand, s.ResultsDir, null)) { Style = ScalarStyle.Literal };
        var container = Map(("name", "harness"), ("image", s.Image),
            ("command", new YamlSequenceNode(new YamlScalarNode("/bin/bash"), new YamlScalarNode("-c"), script)), ("env", env));
        if (target.GpuType is not null && s.GpusPerTask > 0)
            container.Add("resources", Map(("limits", Map(("nvidia.com/gpu", Quoted(s.GpusPerTask.ToString(CultureInfo.InvariantCulture)))))));

        var podSpec = Map(("restartPolicy", "Never"));
        if (target.GpuType is not null) podSpec.Add("nodeSelector", Map((s.GpuLabel, target.GpuType)));
        podSpec.Add("containers", new YamlSequenceNode(container));

        var spec = Map(("completionMode", "Indexed"), ("completions", Int(cells.Count)));
        spec.Add("parallelism", Int(s.Parallelism ?? cells.Count));
        spec.Add("backoffLimitPerIndex", Int(s.BackoffLimitPerIndex));
        spec.Add("template", Map(("metadata", Map(("labels", labels))), ("spec", podSpec)));

        var metadata = Map(("name", name));
        if (s.Namespace is not null) metadata.Add("namespace", s.Namespace);
        metadata.Add("labels", Map(("app.kubernetes.io/name", "inference-economics"), ("inference-economics/fleet", DnsLabel(s.JobName))));
        return Map(("apiVersion", "batch/v1"), ("kind", "Job"), ("metadata", metadata), ("spec", spec));
    }

    private static YamlScalarNode Int(int v) => new(v.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain };
    private static YamlScalarNode Quoted(string v) => new(v) { Style = ScalarStyle.DoubleQuoted };

    private static YamlMappingNode Map(params (string Key, object Value)[] entries)
    {
        var m = new YamlMappingNode();
        foreach (var (k, v) in entries)
            m.Add(new YamlScalarNode(k), v switch
            {
                YamlNode n => n,
                string str => new YamlScalarNode(str),
                _ => throw new ArgumentException($"unsupported YAML value {v.GetType().Name}"),
            });
        return m;
    }
}

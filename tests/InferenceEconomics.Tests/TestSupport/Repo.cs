using InferenceEconomics.Common;

namespace InferenceEconomics.Tests.TestSupport;

/// <summary>Locations tests need: the repository root, ../shared, and throw-away project roots.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The official builder's tiny model, beside the project as CI lays it out; null where absent.</summary>
    public static string? SharedTinyModel
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(Root, "..", "shared", "models", "tiny-random-LlamaForCausalLM-fp16"));
            return File.Exists(Path.Combine(dir, "genai_config.json")) ? dir : null;
        }
    }

    public const string SharedModelMissing = "../shared/models/tiny-random-LlamaForCausalLM-fp16 is absent (it lies beside the project in CI and dev sessions)";

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "InferenceEconomics.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root (InferenceEconomics.sln) not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temp folder deleted at dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ie-test-" + Guid.NewGuid().ToString("N")[..12])).FullName;
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
    public string File(string name) => Combine(name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>Runs the CLI in-process and captures its output.</summary>
public static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Out, string Err);

    public static Outcome Run(params string[] args) => RunWith(new ProjectPaths(Repo.Root), args);

    public static Outcome RunWith(ProjectPaths paths, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = InferenceEconomics.Cli.CliMain.Run(args, o, e, paths);
        return new Outcome(code, o.ToString(), e.ToString());
    }
}

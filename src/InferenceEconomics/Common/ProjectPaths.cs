namespace InferenceEconomics.Common;

/// <summary>
/// Where the project's data lives: models/models.json, the synthetic model cache, results/.
/// The root is IE_ROOT (set by run.sh), else the nearest folder above the working directory
/// holding InferenceEconomics.sln, else the working directory.
/// </summary>
public sealed record ProjectPaths(string Root)
{
    public string ModelsDir => Path.Combine(Root, "models");
    public string ModelCatalogFile => Path.Combine(ModelsDir, "models.json");
    /// <summary>Generated synthetic models (git-ignored), one folder per exact request.</summary>
    public string SyntheticCacheDir => Environment.GetEnvironmentVariable("IE_MODEL_CACHE") is { Length: > 0 } c ? c : Path.Combine(ModelsDir, "cache");
    public string ResultsDir => Path.Combine(Root, "results");

    public static ProjectPaths Discover()
    {
        if (Environment.GetEnvironmentVariable("IE_ROOT") is { Length: > 0 } root) return new ProjectPaths(Path.GetFullPath(root));
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "InferenceEconomics.sln"))) return new ProjectPaths(d.FullName);
        return new ProjectPaths(Directory.GetCurrentDirectory());
    }
}

namespace InferenceEconomics.Tests.Reporting;

/// <summary>A temp folder deleted after the test, and the artifact folder screenshots and charts are kept in.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ie-reports-" + Guid.NewGuid().ToString("N")[..10]);

    public TempFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class TestArtifacts
{
    /// <summary>&lt;repo&gt;/TestResults/reports (git-ignored): kept after the run for a person or CI to look at.</summary>
    public static string Dir
    {
        get
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "InferenceEconomics.sln"))) d = d.Parent;
            var dir = Path.Combine(d?.FullName ?? Path.GetTempPath(), "TestResults", "reports");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}

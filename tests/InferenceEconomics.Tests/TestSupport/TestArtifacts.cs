namespace InferenceEconomics.Tests.TestSupport;

/// <summary>Where screenshots and charts of the tests are kept for a person or CI to look at.</summary>
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

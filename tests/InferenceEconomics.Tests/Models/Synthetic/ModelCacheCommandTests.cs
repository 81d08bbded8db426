using InferenceEconomics.Common;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Models.Synthetic;

public class ModelCacheCommandTests
{
    [Fact]
    public void Cache_lists_generated_models_and_clean_removes_them()
    {
        using var tmp = new TempDir();
        var paths = new ProjectPaths(tmp.Path);
        Assert.Equal(0, CliRunner.RunWith(paths, "models", "synth", "tiny", "--precision", "int4").ExitCode);
        var cacheDir = Path.Combine(tmp.Path, "models", "cache");
        var folder = Directory.GetDirectories(cacheDir).Single(d => !Path.GetFileName(d).StartsWith('.'));
        long bytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);

        var list = CliRunner.RunWith(paths, "models", "cache");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(Path.GetFileName(folder), list.Out);
        Assert.Contains("tiny int4 io fp32 seed 1234", list.Out);
        Assert.Contains("1 model(s)", list.Out);

        var unknown = CliRunner.RunWith(paths, "models", "clean", "tinny");
        Assert.Equal(9, unknown.ExitCode);
        Assert.Contains("did you mean tiny", unknown.Err);
        Assert.True(Directory.Exists(folder));

        Assert.Equal(2, CliRunner.RunWith(paths, "models", "clean").ExitCode);       // neither --all nor names

        var clean = CliRunner.RunWith(paths, "models", "clean", "tiny");
        Assert.Equal(0, clean.ExitCode);
        Assert.False(Directory.Exists(folder));
        Assert.Contains($"removed 1 cached model(s), {InferenceEconomics.Reporting.Format.Bytes(bytes)}", clean.Out);
    }
}

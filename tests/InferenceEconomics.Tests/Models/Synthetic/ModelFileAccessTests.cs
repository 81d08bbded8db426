using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>
/// A model path that exists but cannot be used gets an accurate line and exit 14 (never "does not exist", never 4
/// or 5): unreadable folders and files (checked in a process that file modes bind, see <see cref="Unprivileged"/>),
/// symbolic link loops and dangling links, a folder where a file belongs and a file where the folder belongs.
/// </summary>
[Collection(OrtCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes; the permission facts skip there
public sealed class ModelFileAccessTests(SyntheticModelsFixture models)
{
    private string CopyOfTiny(TempDir tmp, string name = "model")
    {
        var src = models.Folder(WeightPrecision.Int4);
        var dst = tmp.Combine(name);
        Directory.CreateDirectory(dst);
        foreach (var f in Directory.GetFiles(src)) File.Copy(f, Path.Combine(dst, Path.GetFileName(f)));
        return dst;
    }

    private static void AssertLine(CliRunner.Outcome o, int code, params string[] parts)
    {
        Assert.True(o.ExitCode == code, $"exit {o.ExitCode}, expected {code}: {o.Err}");
        var line = Assert.Single(o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        foreach (var p in parts) Assert.Contains(p, line);
        Assert.DoesNotContain("does not exist", line.Replace("which does not exist", ""));
    }

    private static CliRunner.Outcome RunModel(string model, string results) =>
        CliRunner.Run("--model", model, "--results", results, "--batch", "1", "--prompt-tokens", "8", "--gen-tokens", "2", "--no-telemetry", "--quiet");

    [Fact]
    public void Symlink_loop_as_the_model_folder_says_so()
    {
        using var tmp = new TempDir();
        var a = tmp.Combine("a");
        File.CreateSymbolicLink(a, tmp.Combine("b"));
        File.CreateSymbolicLink(tmp.Combine("b"), a);
        AssertLine(RunModel(a, tmp.Combine("r")), 14, $"'{a}' is a symbolic link loop", "fix the link");
    }

    [Fact]
    public void Dangling_symlink_names_its_missing_target()
    {
        using var tmp = new TempDir();
        var link = tmp.Combine("link");
        File.CreateSymbolicLink(link, tmp.Combine("gone"));
        AssertLine(RunModel(link, tmp.Combine("r")), 14, $"'{link}' is a symbolic link to '{tmp.Combine("gone")}', which does not exist");
    }

    [Fact]
    public void A_file_given_as_the_model_folder_says_so()
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        var file = Path.Combine(dir, "model.onnx");
        AssertLine(RunModel(file, tmp.Combine("r")), 14, $"'{file}' is a file where a model folder is needed");
    }

    [Theory]
    [InlineData("genai_config.json")]
    [InlineData("model.onnx")]
    [InlineData("model.onnx.data")]
    public void A_folder_where_a_model_file_belongs_says_so(string name)
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        var path = Path.Combine(dir, name);
        File.Delete(path);
        Directory.CreateDirectory(path);
        AssertLine(RunModel(dir, tmp.Combine("r")), 14, $"'{path}' is a folder where a file is needed");
    }

    [Fact]
    public void A_model_file_that_is_a_link_loop_says_so()
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        var data = Path.Combine(dir, "model.onnx.data");
        File.Delete(data);
        File.CreateSymbolicLink(data, data);
        AssertLine(RunModel(dir, tmp.Combine("r")), 14, $"'{data}' is a symbolic link loop");
    }

    [Fact]
    public void A_missing_data_file_still_does_not_exist()
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        File.Delete(Path.Combine(dir, "model.onnx.data"));
        var o = RunModel(dir, tmp.Combine("r"));
        Assert.Equal(5, o.ExitCode);
        Assert.Contains("model.onnx.data (external data of", o.Err);
        Assert.Contains("does not exist", o.Err);
    }

    // ---- permissions: the CLI runs in a child process that file modes bind ----

    private CliRunner.Outcome RunUnprivileged(TempDir tmp, string model) =>
        ChildCli.Run(tmp.Path, Unprivileged.Prefix!, "--model", model, "--results", tmp.Combine("r"), "--batch", "1", "--prompt-tokens", "8",
            "--gen-tokens", "2", "--no-telemetry", "--quiet");

    private static void WithMode(string path, UnixFileMode mode, Action act)
    {
        var before = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, mode);
        try { act(); }
        finally { File.SetUnixFileMode(path, before); }
    }

    [PermissionFact]
    public void Unreadable_model_folder_is_cannot_read_not_missing_config()
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        WithMode(dir, UnixFileMode.None, () =>
            AssertLine(RunUnprivileged(tmp, dir), 14, $"cannot read folder '{dir}' (permission denied)", "check its permissions"));
    }

    [PermissionFact]
    public void Folder_that_can_be_listed_but_not_entered_is_cannot_read()
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        WithMode(dir, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, () =>
            AssertLine(RunUnprivileged(tmp, dir), 14, "cannot read", dir, "permission denied"));
    }

    [PermissionFact]
    public void Model_inside_an_unsearchable_folder_is_cannot_read_not_missing()
    {
        using var tmp = new TempDir();
        var parent = tmp.Combine("locked");
        Directory.CreateDirectory(parent);
        var src = CopyOfTiny(tmp);
        var dir = Path.Combine(parent, "model");
        Directory.Move(src, dir);
        WithMode(parent, UnixFileMode.None, () =>
            AssertLine(RunUnprivileged(tmp, dir), 14, $"cannot read folder '{dir}' (permission denied)"));
    }

    [PermissionFact]
    public void Unreadable_config_is_cannot_read()
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        var cfg = Path.Combine(dir, GenAiConfig.FileName);
        WithMode(cfg, UnixFileMode.None, () =>
            AssertLine(RunUnprivileged(tmp, dir), 14, $"cannot read file '{cfg}' (permission denied)"));
    }

    [PermissionFact]
    public void Unreadable_model_onnx_is_cannot_read()
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        var onnx = Path.Combine(dir, "model.onnx");
        WithMode(onnx, UnixFileMode.None, () =>
            AssertLine(RunUnprivileged(tmp, dir), 14, $"cannot read file '{onnx}' (permission denied)"));
    }

    [PermissionFact]
    public void Unreadable_data_file_is_cannot_read_not_a_broken_model()
    {
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        var data = Path.Combine(dir, "model.onnx.data");
        WithMode(data, UnixFileMode.None, () =>
            AssertLine(RunUnprivileged(tmp, dir), 14, $"cannot read file '{data}' (permission denied)"));
    }

    [PermissionFact]
    public void The_same_model_readable_runs_in_the_unprivileged_process()
    {
        // The control: what fails above fails because of the mode, not because of the child process.
        using var tmp = new TempDir();
        var dir = CopyOfTiny(tmp);
        var o = RunUnprivileged(tmp, dir);
        Assert.True(o.ExitCode == 0, o.Err);
    }
}

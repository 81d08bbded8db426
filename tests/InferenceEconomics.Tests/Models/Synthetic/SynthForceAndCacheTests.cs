using System.Diagnostics;
using System.Security.Cryptography;
using InferenceEconomics.Common;
using InferenceEconomics.Models.Synthetic;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>
/// "models synth --out DIR --force" replaces only a model this tool wrote; the cache shows and cleans interrupted
/// builds, and verifies a cached model before reusing it (a damaged one is rebuilt, saying why).
/// </summary>
public sealed class SynthForceAndCacheTests
{
    private static readonly string[] OneLayer = ["tiny", "--layers", "1"];

    /// <summary>Every path under <paramref name="dir"/> with its bytes' hash (folders as "dir"): equal snapshots = byte-for-byte unchanged.</summary>
    private static SortedDictionary<string, string> Snapshot(string dir)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
            map[Path.GetRelativePath(dir, e)] = Directory.Exists(e) ? "dir" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(e)));
        return map;
    }

    private static void AssertOneLine(CliRunner.Outcome o, int code, string part)
    {
        Assert.True(o.ExitCode == code, $"exit {o.ExitCode}: {o.Err}");
        var line = Assert.Single(o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(part, line);
    }

    [Fact]
    public void Force_refuses_a_folder_the_tool_did_not_make_and_leaves_it_untouched()
    {
        using var tmp = new TempDir();
        var paths = new ProjectPaths(tmp.Path);
        // A git clone stand-in: files, a hidden folder, a nested file.
        var repo = tmp.Combine("clone");
        Directory.CreateDirectory(Path.Combine(repo, ".git", "objects"));
        File.WriteAllText(Path.Combine(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
        File.WriteAllText(Path.Combine(repo, ".git", "objects", "ab"), "blob");
        File.WriteAllText(Path.Combine(repo, "README.md"), "my work");
        File.WriteAllText(Path.Combine(repo, "model.onnx"), "not the tool's, though named like it");
        var before = Snapshot(repo);

        var o = CliRunner.RunWith(paths, ["models", "synth", .. OneLayer, "--out", repo, "--force"]);

        AssertOneLine(o, 2, $"--out {repo} was not made by this tool (it has no valid {SyntheticIntegrity.MarkerFileName})");
        Assert.Equal(before, Snapshot(repo));
    }

    [Fact]
    public void A_forged_or_broken_marker_does_not_make_a_folder_the_tools()
    {
        using var tmp = new TempDir();
        var dir = tmp.Combine("forged");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, SyntheticIntegrity.MarkerFileName), """{"made_by": "someone else", "files": {"notes.txt": {"bytes": 1, "sha256": "00"}}}""");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "x");
        var before = Snapshot(dir);
        AssertOneLine(CliRunner.RunWith(new ProjectPaths(tmp.Path), ["models", "synth", .. OneLayer, "--out", dir, "--force"]), 2, "was not made by this tool");
        Assert.Equal(before, Snapshot(dir));
        // A marker that lists a path outside the folder is no marker either.
        File.WriteAllText(Path.Combine(dir, SyntheticIntegrity.MarkerFileName),
            "{\"made_by\": \"" + SyntheticIntegrity.MadeBy + "\", \"files\": {\"../notes.txt\": {\"bytes\": 1, \"sha256\": \"00\"}}}");
        Assert.Null(SyntheticIntegrity.ReadMarker(dir));
    }

    [Fact]
    public void Force_replaces_the_tools_own_model_but_not_a_file_the_user_added()
    {
        using var tmp = new TempDir();
        var paths = new ProjectPaths(tmp.Path);
        var dir = tmp.Combine("out");
        Assert.Equal(0, CliRunner.RunWith(paths, ["models", "synth", .. OneLayer, "--out", dir, "--seed", "1"]).ExitCode);
        var seed1 = Snapshot(dir);
        Assert.Contains(SyntheticIntegrity.MarkerFileName, seed1.Keys);

        var again = CliRunner.RunWith(paths, ["models", "synth", .. OneLayer, "--out", dir, "--seed", "2", "--force"]);
        Assert.True(again.ExitCode == 0, again.Err);
        Assert.NotEqual(seed1["model.onnx.data"], Snapshot(dir)["model.onnx.data"]); // really rebuilt (other seed)
        Assert.Null(SyntheticIntegrity.Verify(dir));

        File.WriteAllText(Path.Combine(dir, "my-notes.txt"), "mine");
        var before = Snapshot(dir);
        AssertOneLine(CliRunner.RunWith(paths, ["models", "synth", .. OneLayer, "--out", dir, "--force"]), 2, "holds 1 file(s) this tool did not write (my-notes.txt)");
        Assert.Equal(before, Snapshot(dir));
    }

    [Fact]
    public void A_truncated_cached_model_is_rebuilt_saying_why_also_with_force()
    {
        using var tmp = new TempDir();
        var paths = new ProjectPaths(tmp.Path);
        var first = CliRunner.RunWith(paths, ["models", "synth", .. OneLayer]);
        Assert.StartsWith("built: ", first.Out);
        var folder = Directory.GetDirectories(paths.SyntheticCacheDir).Single();
        var data = Path.Combine(folder, "model.onnx.data");
        long size = new FileInfo(data).Length;
        var intact = Snapshot(folder);

        using (var f = new FileStream(data, FileMode.Open)) f.SetLength(size / 2);
        var listed = CliRunner.RunWith(paths, "models", "cache");
        Assert.Contains($"DAMAGED: model.onnx.data has {size / 2} bytes, {size} were written", listed.Out);

        var second = CliRunner.RunWith(paths, ["models", "synth", .. OneLayer]);
        Assert.True(second.ExitCode == 0, second.Err);
        Assert.StartsWith($"rebuilt (cached copy was damaged: model.onnx.data has {size / 2} bytes, {size} were written): {folder}", second.Out);
        Assert.Equal(intact, Snapshot(folder)); // the same seed rebuilds the same bytes
        Assert.StartsWith("reused (cached): ", CliRunner.RunWith(paths, ["models", "synth", .. OneLayer]).Out);

        // --force goes through the same check (and rebuilds even an intact copy).
        using (var f = new FileStream(data, FileMode.Open)) f.SetLength(size - 1);
        var forced = CliRunner.RunWith(paths, ["models", "synth", .. OneLayer, "--force"]);
        Assert.True(forced.ExitCode == 0, forced.Err);
        Assert.DoesNotContain("reused", forced.Out);
        Assert.Equal(size, new FileInfo(data).Length);
    }

    [Fact]
    public void Overwritten_bytes_of_the_same_size_are_caught_by_the_sampled_hash()
    {
        using var tmp = new TempDir();
        var cache = tmp.Combine("cache");
        var spec = new SyntheticSpec(SyntheticPresets.Get("tiny") with { Layers = 1 }, WeightPrecision.Int4, IoDType.Float32, 3, "tiny-custom");
        var dir = SyntheticModelCache.GetOrBuild(spec, cache);
        var data = Path.Combine(dir, "model.onnx.data");
        using (var f = new FileStream(data, FileMode.Open)) { f.Position = f.Length - 10; f.Write(new byte[10]); } // zeros over the last bytes (inside the last sample)
        Assert.Contains("model.onnx.data is not the file that was written (its sampled SHA-256 differs)", SyntheticIntegrity.Verify(dir));
        var r = SyntheticModelCache.Obtain(spec, cache);
        Assert.True(r.Built);
        Assert.NotNull(r.DamagedBecause);
        Assert.Null(SyntheticIntegrity.Verify(dir));

        File.WriteAllText(Path.Combine(dir, "genai_config.json"), File.ReadAllText(Path.Combine(dir, "genai_config.json")).Replace("\"num_hidden_layers\": 1", "\"num_hidden_layers\": 9"));
        Assert.StartsWith("genai_config.json", SyntheticIntegrity.Verify(dir));
    }

    [Fact]
    public void An_interrupted_synth_leaves_a_partial_folder_that_cache_shows_and_clean_removes()
    {
        using var tmp = new TempDir();
        var paths = new ProjectPaths(tmp.Path);
        var cache = paths.SyntheticCacheDir;
        // About 580 MB in fp32: the build is killed as soon as its partial folder appears.
        string[] big = ["models", "synth", "custom", "--layers", "8", "--hidden", "1024", "--heads", "8", "--kv-heads", "8",
            "--intermediate", "4096", "--vocab", "8192", "--context", "256"];
        var psi = new ProcessStartInfo("dotnet", [ChildCli.IeDll, .. big]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["IE_ROOT"] = tmp.Path;
        using (var p = Process.Start(psi)!)
        {
            var clock = Stopwatch.StartNew();
            while (!(Directory.Exists(cache) && Directory.EnumerateDirectories(cache, ".*.partial-*").Any()) && !p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(5);
            Assert.False(p.HasExited, "the build finished before it could be interrupted");
            p.Kill(entireProcessTree: true); // SIGKILL: no cleanup runs
            p.WaitForExit();
        }
        var partial = Assert.Single(Directory.GetDirectories(cache));
        Assert.StartsWith(".custom-fp32-", Path.GetFileName(partial));

        var listed = CliRunner.RunWith(paths, "models", "cache");
        Assert.Contains("(0 model(s), 1 partial build(s),", listed.Out);
        Assert.Contains($"{Path.GetFileName(partial)}", listed.Out);
        Assert.Contains("PARTIAL: interrupted build; models clean removes it", listed.Out);

        // A folder the tool did not make stays, whatever clean is asked.
        var foreign = Path.Combine(cache, "my-own-model");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "genai_config.json"), "{}");

        var clean = CliRunner.RunWith(paths, "models", "clean", "--all");
        Assert.Equal(0, clean.ExitCode);
        Assert.Contains("removed 0 cached model(s) and 1 partial build(s)", clean.Out);
        Assert.False(Directory.Exists(partial));
        Assert.True(File.Exists(Path.Combine(foreign, "genai_config.json")));
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using InferenceEconomics.Reporting;
using InferenceEconomics.Results;
using InferenceEconomics.Tests.Economics;
using InferenceEconomics.Tests.Reporting;
using InferenceEconomics.Tests.TestSupport;
using TestRuns = InferenceEconomics.Tests.Reporting.TestRuns;

namespace InferenceEconomics.Tests.Common;

/// <summary>The one write helper: regular files or new paths only, never through a link out of its folder; report removes only the charts it recorded.</summary>
public class SafeWriteTests
{
    private static (int Code, string Out, string Err) Cli(string root, params string[] args)
    {
        var r = CliRunner.RunWith(new ProjectPaths(root), args);
        return (r.ExitCode, r.Out, r.Err);
    }

    private static string OneLine(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        return lines[0];
    }

    /// <summary>Every entry under a folder (links not followed) with its kind and, for files, a SHA-256.</summary>
    internal static SortedDictionary<string, string> Snapshot(string dir)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var rel = Path.GetRelativePath(dir, e.FullName);
            map[rel] = e.LinkTarget is { } t ? "link:" + t
                : e is DirectoryInfo ? "dir"
                : AtomicFile.Kind(e.FullName) is var k && k != AtomicFile.FileKind.Regular ? k.ToString() // never open a FIFO
                : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(e.FullName)));
        }
        return map;
    }

    private static void Mkfifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void A_device_node_is_refused_and_left_a_device()
    {
        if (!File.Exists("/dev/full")) return; // POSIX only
        var e = Assert.Throws<InferenceEconomicsException>(() => AtomicFile.Write("/dev/full", "{}"));
        Assert.Equal(ErrorKind.FileAccess, e.Kind);
        Assert.Contains("character device", e.Message, StringComparison.Ordinal);
        Assert.Equal(AtomicFile.FileKind.CharDevice, AtomicFile.Kind("/dev/full"));
    }

    [LinuxFact("FIFOs, POSIX file types")]
    public void A_fifo_and_a_folder_are_refused_with_nothing_changed()
    {
        using var tmp = new TempDir();
        var fifo = tmp.Combine("pipe");
        Mkfifo(fifo);
        Directory.CreateDirectory(tmp.Combine("folder"));
        var before = Snapshot(tmp.Path);
        Assert.Contains("FIFO", Assert.Throws<InferenceEconomicsException>(() => { AtomicFile.Write(fifo, "x"); }).Message, StringComparison.Ordinal);
        Assert.Contains("is a folder", Assert.Throws<InferenceEconomicsException>(() => { AtomicFile.Write(tmp.Combine("folder"), "x"); }).Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(tmp.Path));
        Assert.Equal(AtomicFile.FileKind.Fifo, AtomicFile.Kind(fifo));
    }

    [Fact]
    public void A_link_leaving_the_folder_is_refused_and_one_inside_it_is_written()
    {
        using var tmp = new TempDir();
        var outside = Directory.CreateDirectory(tmp.Combine("outside")).FullName;
        var secret = Path.Combine(outside, "secret.txt");
        File.WriteAllText(secret, "keep me");
        var dest = Directory.CreateDirectory(tmp.Combine("dest")).FullName;
        File.CreateSymbolicLink(Path.Combine(dest, "out.json"), secret);
        var e = Assert.Throws<InferenceEconomicsException>(() => AtomicFile.Write(Path.Combine(dest, "out.json"), "{}"));
        Assert.Equal(ErrorKind.FileAccess, e.Kind);
        Assert.Equal("keep me", File.ReadAllText(secret));
        Assert.NotNull(new FileInfo(Path.Combine(dest, "out.json")).LinkTarget);

        File.WriteAllText(Path.Combine(dest, "real.json"), "old");
        File.CreateSymbolicLink(Path.Combine(dest, "near.json"), Path.Combine(dest, "real.json"));
        AtomicFile.Write(Path.Combine(dest, "near.json"), "new");
        Assert.Equal("new", File.ReadAllText(Path.Combine(dest, "near.json")));
    }

    [Fact]
    public void Rates_import_out_to_a_device_or_a_link_out_is_refused_in_one_line_with_nothing_changed()
    {
        using var tmp = new TempDir();
        var src = tmp.Combine("litellm.json");
        File.WriteAllText(src, LiteLlmImportTests.Sample);
        var outside = Directory.CreateDirectory(tmp.Combine("elsewhere")).FullName;
        File.WriteAllText(Path.Combine(outside, "cards.json"), "mine");
        var here = Directory.CreateDirectory(tmp.Combine("here")).FullName;
        File.CreateSymbolicLink(Path.Combine(here, "rates.json"), Path.Combine(outside, "cards.json"));
        var before = Snapshot(tmp.Path);
        foreach (var target in new[] { "/dev/full", Path.Combine(here, "rates.json"), here })
        {
            if (target == "/dev/full" && !File.Exists(target)) continue;
            var (code, _, err) = Cli(tmp.Path, "rates", "import", "litellm", src, "--out", target);
            Assert.Equal((int)ErrorKind.FileAccess, code);
            Assert.Contains(target, OneLine(err), StringComparison.Ordinal);
        }
        Assert.Equal(before, Snapshot(tmp.Path));
        if (File.Exists("/dev/full")) Assert.Equal(AtomicFile.FileKind.CharDevice, AtomicFile.Kind("/dev/full"));
    }

    [Fact]
    public void Report_never_writes_through_a_charts_link_out_of_the_run_folder()
    {
        using var tmp = new TempDir();
        var run = tmp.Combine("results", "run");
        ResultStore.Save(TestRuns.Build(batches: [1, 4], prompts: [128]), run);
        var pictures = Directory.CreateDirectory(tmp.Combine("my-pictures")).FullName;
        File.WriteAllText(Path.Combine(pictures, "decode_tps.png"), "my holiday photo");
        File.WriteAllText(Path.Combine(pictures, "other.svg"), "<svg/>");
        Directory.CreateSymbolicLink(Path.Combine(run, ChartExporter.FolderName), pictures);
        var before = Snapshot(pictures);
        var (code, _, err) = Cli(tmp.Path, "report", run);
        Assert.Equal((int)ErrorKind.FileAccess, code);
        Assert.Contains("outside", OneLine(err), StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(pictures));
    }

    [Fact]
    public void Report_removes_only_the_charts_it_recorded_writing()
    {
        using var tmp = new TempDir();
        var run = tmp.Combine("results", "run");
        ResultStore.Save(TestRuns.Build(batches: [1, 4], prompts: [128]), run);
        Assert.Equal(0, Cli(tmp.Path, "report", run, "--price-per-hour", "2").Code);
        var charts = Path.Combine(run, ChartExporter.FolderName);
        var priced = Directory.GetFiles(charts).Select(Path.GetFileName).ToHashSet();
        File.WriteAllText(Path.Combine(charts, "mine.png"), "the user's own picture");
        File.WriteAllText(Path.Combine(charts, "notes.svg"), "<svg>user</svg>");
        Assert.Equal(0, Cli(tmp.Path, "report", run).Code); // no price: the cost charts go
        var unpriced = Directory.GetFiles(charts).Select(Path.GetFileName).ToHashSet();
        Assert.Contains("mine.png", unpriced);
        Assert.Contains("notes.svg", unpriced);
        var recorded = System.Text.Json.JsonSerializer.Deserialize<List<string>>(File.ReadAllText(Path.Combine(run, ChartExporter.ManifestFileName)))!;
        Assert.True(priced.Count > recorded.Count, "the priced render has cost charts the unpriced one lacks");
        Assert.Equal(recorded.Append("mine.png").Append("notes.svg").Order(StringComparer.Ordinal), unpriced.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Orphan_temp_files_are_removed_at_the_next_write_and_nothing_else()
    {
        using var tmp = new TempDir();
        string Hex() => Guid.NewGuid().ToString("N");
        var deadOld = tmp.Combine($".result.json.{int.MaxValue - 7}.{Hex()}.tmp");   // no such pid, old
        var liveOld = tmp.Combine($".result.json.{Environment.ProcessId}.{Hex()}.tmp"); // this process: alive
        var deadYoung = tmp.Combine($".report.md.{int.MaxValue - 7}.{Hex()}.tmp");    // no such pid, but just written
        var users = new[] { tmp.Combine(".result.json.tmp"), tmp.Combine("notes.tmp"), tmp.Combine($".x.12.{Hex()}.tmp.bak") };
        foreach (var f in new[] { deadOld, liveOld, deadYoung }.Concat(users)) File.WriteAllText(f, "partial");
        File.SetLastWriteTimeUtc(deadOld, DateTime.UtcNow.AddMinutes(-2));
        File.SetLastWriteTimeUtc(liveOld, DateTime.UtcNow.AddMinutes(-2));
        foreach (var u in users) File.SetLastWriteTimeUtc(u, DateTime.UtcNow.AddDays(-2));

        AtomicFile.Write(tmp.Combine("result.json"), "{}");

        Assert.False(File.Exists(deadOld));
        Assert.True(File.Exists(liveOld));
        Assert.True(File.Exists(deadYoung));
        Assert.All(users, u => Assert.True(File.Exists(u), u));
        Assert.Equal("{}", File.ReadAllText(tmp.Combine("result.json")));
    }
}

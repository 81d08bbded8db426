using System.Text.Json;
using InferenceEconomics.Reporting.Charts;

namespace InferenceEconomics.Reporting;

/// <summary>Writes every chart of a run as charts/&lt;name&gt;.png and charts/&lt;name&gt;.svg beside result.json.</summary>
internal sealed class ChartExporter : IReportExporter
{
    public const string FolderName = "charts";

    public string Name => "charts";

    /// <summary>The charts the last render wrote (names under charts/), beside result.json: the only pictures a re-render may remove.</summary>
    public const string ManifestFileName = "charts-written.json";

    public IReadOnlyList<string> Export(ReportContext context)
    {
        var dir = Path.Combine(context.Folder, FolderName);
        var manifest = Path.Combine(context.Folder, ManifestFileName);
        var before = ReadManifest(manifest);
        var written = new List<string>();
        var names = new List<string>();
        void Put(string file, byte[] bytes)
        {
            var path = Path.Combine(dir, file);
            // within: a charts/ that is a link leading out of the run folder is refused, never written through.
            AtomicFile.Write(path, bytes, within: context.Folder);
            written.Add(path);
            names.Add(file);
        }
        foreach (var spec in RunCharts.Build(context))
        {
            var chart = ChartImage.Render(spec);
            Put(chart.Name + ".png", chart.Png);
            Put(chart.Name + ".svg", System.Text.Encoding.UTF8.GetBytes(chart.Svg));
        }
        AtomicFile.Write(manifest, JsonSerializer.Serialize(names) + "\n", within: context.Folder);
        // A re-render without a price (or telemetry) must not leave the charts of an earlier render behind:
        // only what the manifest says this tool wrote is removed; any other picture in charts/ is the user's.
        foreach (var stale in before.Except(names, StringComparer.Ordinal))
            AtomicFile.DeleteOwn(Path.Combine(dir, stale), within: context.Folder);
        return written;
    }

    /// <summary>Plain file names from an earlier manifest (anything with a path separator or not .png/.svg is ignored).</summary>
    private static IReadOnlyList<string> ReadManifest(string path)
    {
        if (AtomicFile.Kind(path) != AtomicFile.FileKind.Regular) return [];
        try
        {
            return (JsonSerializer.Deserialize<List<string>>(File.ReadAllText(path)) ?? [])
                .Where(n => n == Path.GetFileName(n) && n is not ("." or "..") && (n.EndsWith(".png", StringComparison.Ordinal) || n.EndsWith(".svg", StringComparison.Ordinal)))
                .ToList();
        }
        catch (JsonException) { return []; }
    }
}

using InferenceEconomics.Reporting.Charts;
using InferenceEconomics.Results;

namespace InferenceEconomics.Reporting;

/// <summary>Writes every chart of a run as charts/&lt;name&gt;.png and charts/&lt;name&gt;.svg beside result.json.</summary>
internal sealed class ChartExporter : IReportExporter
{
    public const string FolderName = "charts";

    public string Name => "charts";

    public IReadOnlyList<string> Export(ReportContext context)
    {
        var dir = Path.Combine(context.Folder, FolderName);
        var written = new List<string>();
        foreach (var spec in RunCharts.Build(context))
        {
            var chart = ChartImage.Render(spec);
            var png = Path.Combine(dir, chart.Name + ".png");
            var svg = Path.Combine(dir, chart.Name + ".svg");
            ResultStore.WriteAtomic(png, chart.Png);
            ResultStore.WriteAtomic(svg, chart.Svg);
            written.Add(png);
            written.Add(svg);
        }
        // A re-render without a price (or telemetry) must not leave the charts of an earlier render behind.
        if (Directory.Exists(dir))
            foreach (var stale in Directory.GetFiles(dir).Where(f => (f.EndsWith(".png") || f.EndsWith(".svg")) && !written.Contains(f)))
                File.Delete(stale);
        return written;
    }
}

namespace InferenceEconomics.Reporting;

/// <summary>The exporters every run writes, in order. Add a format by adding a line.</summary>
public static class Exporters
{
    public static IReadOnlyList<IReportExporter> Default { get; } =
    [
        new MarkdownExporter(),
        new CsvExporter(),
        new ChartExporter(),
        new HtmlExporter(),
    ];

    /// <summary>Writes every report format (or the given ones) beside result.json; returns the files written.</summary>
    public static IReadOnlyList<string> WriteAll(ReportContext context, IEnumerable<IReportExporter>? exporters = null) =>
        (exporters ?? Default).SelectMany(e => e.Export(context)).ToList();
}

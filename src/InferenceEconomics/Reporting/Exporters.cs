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
}

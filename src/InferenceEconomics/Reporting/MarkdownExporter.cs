namespace InferenceEconomics.Reporting;

public sealed class MarkdownExporter : IReportExporter
{
    public string Name => "markdown";
    public IReadOnlyList<string> Export(ReportContext context) => [];
}

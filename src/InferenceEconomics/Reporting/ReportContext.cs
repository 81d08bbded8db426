using InferenceEconomics.Economics;
using InferenceEconomics.Results;

namespace InferenceEconomics.Reporting;

/// <summary>Everything an exporter may render for one run.</summary>
public sealed record ReportContext(RunResult Result, string Folder)
{
    /// <summary>Set when the run was given a price (run --price-per-hour ..., or `cost`).</summary>
    public CostComparison? Cost { get; init; }
    /// <summary>A load run's deployment price at each level (the load command's --gpu/--gpus/--price-per-hour).</summary>
    public Load.LoadCost? LoadCost { get; init; }
}

/// <summary>A report format written beside result.json (Markdown, CSV, HTML, charts): a plug-in.</summary>
public interface IReportExporter
{
    string Name { get; }
    /// <summary>Writes its files into ctx.Folder (atomically) and returns their paths.</summary>
    IReadOnlyList<string> Export(ReportContext context);
}

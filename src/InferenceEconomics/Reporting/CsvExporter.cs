using System.Text;
using InferenceEconomics.Results;

namespace InferenceEconomics.Reporting;

/// <summary>
/// scenarios.csv: one row per scenario, RFC 4180, invariant culture; its columns are
/// <see cref="SummaryTable.CsvColumns"/> (a contract: only ever appended, documented in docs/reports.md).
/// Unknown = empty field.
/// </summary>
internal sealed class CsvExporter : IReportExporter
{
    public const string FileName = "scenarios.csv";

    /// <summary>The column names, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = SummaryTable.CsvColumns.Select(c => c.CsvName!).ToList();

    public string Name => "csv";

    public IReadOnlyList<string> Export(ReportContext context)
    {
        var path = Path.Combine(context.Folder, FileName);
        AtomicFile.Write(path, Render(context.Result));
        return [path];
    }

    public static string Render(RunResult r)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Columns)).Append("\r\n");
        foreach (var row in SummaryTable.Rows(r))
            sb.Append(string.Join(',', SummaryTable.CsvColumns.Select(c => Escape(c.Get(row).Csv)))).Append("\r\n");
        return sb.ToString();
    }

    /// <summary>
    /// The escaping layer of CSV output. Formula neutralisation (OWASP "CSV injection"): a text cell starting with
    /// = + - @ tab or CR gets a leading ' and is quoted, so a spreadsheet shows it instead of evaluating it (a plain
    /// number such as -0.5 is left a number). Then RFC 4180: quote a field holding a comma, quote, CR or LF; double inner quotes.
    /// </summary>
    internal static string Escape(string? v)
    {
        if (v is null) return "";
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            return $"\"'{v.Replace("\"", "\"\"")}\"";
        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{v.Replace("\"", "\"\"")}\"" : v;
    }
}

using System.Text;

namespace InferenceEconomics.Reporting;

/// <summary>A pipe table with right-aligned numeric columns; used for report.md and the console.</summary>
public sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    public bool[] RightAligned { get; } = new bool[headers.Length];

    public MarkdownTable Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"row has {cells.Length} cells, table has {headers.Length} columns");
        _rows.Add(cells);
        return this;
    }

    public int RowCount => _rows.Count;

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(3, _rows.Select(r => r[i].Length).Append(h.Length).Max())).ToArray();
        var sb = new StringBuilder();
        void Line(string[] cells) =>
            sb.Append("| ").Append(string.Join(" | ", cells.Select((c, i) => RightAligned[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i])))).AppendLine(" |");
        Line(headers);
        sb.Append('|').Append(string.Join('|', widths.Select((w, i) => RightAligned[i] ? new string('-', w + 1) + ":" : new string('-', w + 2)))).AppendLine("|");
        foreach (var r in _rows) Line(r);
        return sb.ToString();
    }
}

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

    /// <summary>Every cell passes the Markdown escaping layer (<see cref="MarkdownText.Inline"/>): a name holding a pipe, a newline or HTML stays in its cell.</summary>
    public override string ToString()
    {
        var rows = _rows.Select(r => r.Select(MarkdownText.Inline).ToArray()).ToList();
        headers = headers.Select(MarkdownText.Inline).ToArray();
        var widths = headers.Select((h, i) => Math.Max(3, rows.Select(r => r[i].Length).Append(h.Length).Max())).ToArray();
        var sb = new StringBuilder();
        void Line(string[] cells) =>
            sb.Append("| ").Append(string.Join(" | ", cells.Select((c, i) => RightAligned[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i])))).AppendLine(" |");
        Line(headers);
        sb.Append('|').Append(string.Join('|', widths.Select((w, i) => RightAligned[i] ? new string('-', w + 1) + ":" : new string('-', w + 2)))).AppendLine("|");
        foreach (var r in rows) Line(r);
        return sb.ToString();
    }
}

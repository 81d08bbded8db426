namespace InferenceEconomics.Reporting;

/// <summary>
/// The escaping layer of Markdown output: any text that came from a file or a name (model names, reasons,
/// notes) passes through here before it lands in report.md, so it cannot open HTML, links or table cells.
/// </summary>
internal static class MarkdownText
{
    /// <summary>Text safe inside a paragraph or a table cell: one line, no raw HTML, no Markdown syntax of its own.</summary>
    public static string Inline(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '\r' or '\n' or '\t': sb.Append(' '); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '|' or '[' or ']' or '*' or '_' or '`' or '\\' or '#': sb.Append('\\').Append(ch); break;
                default: sb.Append(char.IsControl(ch) ? ' ' : ch); break;
            }
        }
        return sb.ToString();
    }
}

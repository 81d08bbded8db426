namespace InferenceEconomics.Reporting;

/// <summary>
/// The escaping layer of Markdown output: any text that came from a file or a name (model names, reasons,
/// notes) passes through here before it lands in report.md, so it cannot open HTML, links or table cells.
/// </summary>
internal static class MarkdownText
{
    /// <summary>
    /// Text safe inside a paragraph or a table cell: one line (CR, LF, tab become spaces), pipes and backslashes and
    /// backticks escaped, no raw HTML (a '&lt;' that could open a tag, comment or autolink, and a '&amp;' that could open
    /// an entity, are written as entities), no link (a ']' followed by '(', '[' or ':' is escaped). Everything else
    /// stays as typed, so "&lt;= 20 ms", "[?]" and "phi_3" read the same in the console and in report.md.
    /// </summary>
    public static string Inline(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (ch)
            {
                case '\r' or '\n' or '\t': sb.Append(' '); break;
                case '<' when char.IsAsciiLetter(next) || next is '/' or '!' or '?': sb.Append("&lt;"); break;
                case '&' when char.IsAsciiLetter(next) || next == '#': sb.Append("&amp;"); break;
                case ']' when next is '(' or '[' or ':': sb.Append("\\]"); break;
                case '|' or '`' or '\\': sb.Append('\\').Append(ch); break;
                default: sb.Append(char.IsControl(ch) ? ' ' : ch); break;
            }
        }
        return sb.ToString();
    }
}

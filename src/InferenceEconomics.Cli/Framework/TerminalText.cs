using System.Text;

namespace InferenceEconomics.Cli.Framework;

/// <summary>
/// The escaping layer of terminal output: text that came from files or names (model names, reasons, paths)
/// loses its control characters before it is printed, so no escape sequence in a file reaches the terminal.
/// </summary>
internal static class TerminalText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        bool clean = true;
        foreach (var ch in text) if (IsControl(ch)) { clean = false; break; }
        if (clean) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text) sb.Append(ch == '\n' ? '\n' : IsControl(ch) ? '?' : ch);
        return sb.ToString();
    }

    internal static bool IsUnsafe(char ch) => IsControl(ch);

    private static bool IsControl(char ch) => ch != '\n' && (char.IsControl(ch) || ch is '\u200e' or '\u200f' or >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069');
}

/// <summary>
/// Standard output as the user's terminal gets it: every character goes through <see cref="TerminalText"/>'s
/// rule (tabs and line ends kept, other control characters — ESC first — replaced by '?'), so a model name,
/// host, GPU name, card name, note or path read from a file cannot move the cursor, recolour or retitle it.
/// JSON output is unaffected: its writer escapes control characters already.
/// </summary>
internal sealed class TerminalWriter(TextWriter inner) : TextWriter
{
    private readonly bool _allowCr = inner.NewLine.Contains('\r', StringComparison.Ordinal);

    public TextWriter Inner => inner;

    public override System.Text.Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine { get => inner.NewLine; set => inner.NewLine = value; }

    public override void Write(char value) => inner.Write(Safe(value));

    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var ch in value)
            if (Safe(ch) != ch) { inner.Write(string.Create(value.Length, value, (span, v) => { for (int i = 0; i < v.Length; i++) span[i] = Safe(v[i]); })); return; }
        inner.Write(value);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) { Write(value); inner.Write(inner.NewLine); }

    public override void Flush() => inner.Flush();

    private char Safe(char ch) => ch is '\n' or '\t' || (ch == '\r' && _allowCr) ? ch : TerminalText.IsUnsafe(ch) || ch == '\r' ? '?' : ch;
}

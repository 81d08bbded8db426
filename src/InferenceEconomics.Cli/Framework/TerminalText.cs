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

    private static bool IsControl(char ch) => ch != '\n' && (char.IsControl(ch) || ch is '\u200e' or '\u200f' or >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069');
}

using System.Text;

namespace InferenceEconomics.Cli.Framework;

/// <summary>Help printed from the declared commands: options with their defaults (read from the settings), examples.</summary>
internal static class HelpText
{
    public static string Overview(IReadOnlyList<ICliCommand> commands)
    {
        var sb = new StringBuilder();
        sb.AppendLine("InferenceEconomics: measure local ONNX LLM inference and what it really costs, against API prices.");
        sb.AppendLine();
        sb.AppendLine($"Usage: {EntryPoint.Name} [command] [options]        (no command = run; {EntryPoint.Name} test runs the test suite)");
        sb.AppendLine();
        sb.AppendLine("Commands:");
        foreach (var c in commands) sb.AppendLine($"  {c.Name,-11} {c.Summary}");
        sb.AppendLine($"  {"test",-11} build and run the whole test suite (entry script only)");
        sb.AppendLine();
        sb.AppendLine("Examples:");
        foreach (var c in commands)
            foreach (var e in c.Examples.Take(3)) sb.AppendLine($"  {e}");
        sb.AppendLine();
        sb.AppendLine($"Global: --verbose (stack traces and native runtime logs), --help (per command: {EntryPoint.Name} <command> --help).");
        sb.AppendLine("Exit codes: README.md.");
        return sb.ToString().TrimEnd();
    }

    public static string For(ICliCommand c, string path)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{path}: {c.Summary}");
        sb.AppendLine();
        sb.AppendLine($"Usage: {c.Usage}");
        if (c.Description is { } d) { sb.AppendLine(); sb.AppendLine(d.TrimEnd()); }
        if (c.Subcommands.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Subcommands:");
            foreach (var s in c.Subcommands) sb.AppendLine($"  {s.Name,-11} {s.Summary}");
        }
        var args = c.Parameters.Where(p => p.IsArgument).ToList();
        if (args.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Arguments:");
            foreach (var a in args) sb.AppendLine(Line($"<{a.Name}>{(a.MaxValues > 1 ? "..." : "")}", a));
        }
        foreach (var group in c.Parameters.Where(p => !p.IsArgument).GroupBy(p => p.Group))
        {
            sb.AppendLine();
            sb.AppendLine(group.Key is null ? "Options:" : $"{group.Key}:");
            foreach (var p in group) sb.AppendLine(Line(p.IsFlag ? p.Name : $"{p.Name} {p.ValueName}", p));
        }
        sb.AppendLine();
        sb.AppendLine("  --verbose            stack traces and native runtime logs on errors");
        sb.AppendLine("  --help, -h           this help");
        if (c.Examples.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Examples:");
            foreach (var e in c.Examples) sb.AppendLine($"  {e}");
        }
        return sb.ToString().TrimEnd();
    }

    private static string Line(string head, CliParameter p)
    {
        var text = p.Help;
        if (p.Choices is { Count: > 0 } ch && !text.Contains(ch[0], StringComparison.Ordinal)) text += $": {string.Join(" | ", ch)}";
        // An empty default (an empty list) says nothing worth printing.
        if (p.DefaultText is { Length: > 0 } def) text += $" (default {def})";
        return head.Length <= 20 ? $"  {head,-20} {text}" : $"  {head}\n  {"",-20} {text}";
    }
}

using System.Globalization;

namespace InferenceEconomics.Cli;

/// <summary>
/// Minimal, strict argument reader: "--name value", "--name=value", flags, and comma lists.
/// Every value is validated where it is read, with one clear line on error (ErrorKind.Usage).
/// Unknown options are caught by <see cref="EnsureAllUsed"/>, with a close-name suggestion.
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    public List<string> Positionals { get; } = [];
    /// <summary>Every word after a lone "--", verbatim (options passed through to another command); see <see cref="PassThrough"/>.</summary>
    private readonly List<string> _rest = [];
    private bool _restUsed;

    /// <summary>Options that never take a value.</summary>
    private static readonly HashSet<string> KnownFlags = new(StringComparer.Ordinal)
    {
        "--json", "--verbose", "--help", "--no-telemetry", "--no-idle", "--cuda-graph", "--batch-api", "--force", "--quiet",
        "--all", "--replace", "--submit", "--no-store",
    };

    public CliArgs(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a == "--") { _rest.AddRange(list.Skip(i + 1)); break; }
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a, value;
                int eq = a.IndexOf('=');
                if (eq > 0) { name = a[..eq]; value = a[(eq + 1)..]; _options[name] = value; continue; }
                // No value follows: keep it valueless; reading it as a value option says "needs a value",
                // and an option no command reads is reported as unknown (with a suggestion) instead.
                if (KnownFlags.Contains(name) || i + 1 >= list.Count || (list[i + 1].StartsWith("--", StringComparison.Ordinal) && list[i + 1].Length > 2))
                { _options[name] = null; continue; }
                _options[name] = list[++i];
            }
            else if (a == "-h") _options["--help"] = null;
            else Positionals.Add(a);
        }
    }

    public bool Has(string name) { _used.Add(name); return _options.ContainsKey(name); }

    /// <summary>The words after "--" (empty when none); a command that does not read them rejects them in <see cref="EnsureAllUsed"/>.</summary>
    public IReadOnlyList<string> PassThrough() { _restUsed = true; return _rest; }

    public bool Flag(string name) => Has(name);

    public string? String(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v ?? throw Usage($"option {name} needs a value") : null;
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        return s is null ? null : ParseInt(name, s, min, max);
    }

    public double? Double(string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false)
    {
        var s = String(name);
        if (s is null) return null;
        bool pct = s.EndsWith('%');
        if (!double.TryParse(pct ? s[..^1] : s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsNaN(d) || double.IsInfinity(d))
            throw Usage($"{name} '{s}' is not a number");
        if (pct) d /= 100;
        if (d < min || (minExclusive && d == min) || d > max)
            throw Usage($"{name} {s} is out of range ({(minExclusive ? "above" : "from")} {min.ToString(CultureInfo.InvariantCulture)}" +
                        (double.IsPositiveInfinity(max) ? ")" : $" to {max.ToString(CultureInfo.InvariantCulture)})"));
        return d;
    }

    /// <summary>A comma list of integers like "1,8,16"; every element validated.</summary>
    public IReadOnlyList<int>? IntList(string name, int min = 1, int max = int.MaxValue)
    {
        var s = String(name);
        if (s is null) return null;
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0)) throw Usage($"{name} '{s}' has an empty element; write a comma list like 1,8");
        return parts.Select(p => ParseInt(name, p, min, max)).Distinct().ToList();
    }

    public IReadOnlyList<string>? StringList(string name)
    {
        var s = String(name);
        return s?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    private static int ParseInt(string name, string s, int min, int max)
    {
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw Usage($"{name} '{s}' is not a whole number");
        if (v < min || v > max)
            throw Usage($"{name} {v} is out of range ({min} to {(max == int.MaxValue ? "any" : max.ToString(CultureInfo.InvariantCulture))})");
        return v;
    }

    /// <summary>Fails on any option the command did not read (a typo), suggesting the closest known one;
    /// and on stray words beyond the <paramref name="maxPositionals"/> the command takes.</summary>
    public void EnsureAllUsed(IEnumerable<string>? known = null, int maxPositionals = int.MaxValue)
    {
        if (Positionals.Count > maxPositionals)
            throw Usage($"unexpected argument '{Positionals[maxPositionals]}'; see --help");
        if (_rest.Count > 0 && !_restUsed)
            throw Usage($"unexpected arguments after '--' ({string.Join(' ', _rest)}); this command passes nothing through; see --help");
        var knownSet = new HashSet<string>(_used.Concat(known ?? []), StringComparer.Ordinal) { "--verbose", "--help" };
        foreach (var name in _options.Keys)
        {
            if (knownSet.Contains(name)) continue;
            var close = NameSuggestions.Closest(name, knownSet);
            throw Usage($"unknown option {name}{(close.Count > 0 ? $" (did you mean {string.Join(" or ", close)}?)" : "")}; see --help");
        }
    }

    public static InferenceEconomicsException Usage(string message) => new(ErrorKind.Usage, message);
}

using System.Collections;
using System.Globalization;

namespace InferenceEconomics.Cli.Framework;

/// <summary>
/// Turns an option's text into a settings value, by the property's type. Every failure is one line naming
/// the option and the text (exit 2; prices exit 8). Numbers are invariant ('.' decimals) and finite.
/// </summary>
internal static class ValueParsers
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The parser for a property type, or null when the type needs an explicit one.</summary>
    public static Func<string, string, object?>? For(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string)) return (_, s) => s;
        if (t == typeof(int)) return (name, s) => Int(name, s);
        if (t == typeof(long)) return (name, s) => Long(name, s);
        if (t == typeof(double)) return (name, s) => Double(name, s);
        if (t == typeof(Device)) return (name, s) => Device.TryParse(s) ?? throw Usage($"{name} '{s}' is not a device; use cpu, cuda or cuda:N (N = GPU index, 0 first)");
        if (t.IsEnum) return (name, s) => EnumWord(t, name, s);
        if (typeof(IEnumerable).IsAssignableFrom(t) && t.IsGenericType)
        {
            var element = t.GetGenericArguments()[0];
            if (element == typeof(int)) return (name, s) => IntList(name, s);
            if (element == typeof(string)) return (name, s) => StringList(s);
            if (element == typeof(double)) return (name, s) => DoubleList(name, s);
        }
        if (t == typeof(LengthRange))
            return (name, s) => LengthRange.TryParse(s) ?? throw Usage($"{name} '{s}' is not a length; give N or MIN:MAX tokens, e.g. 128 or 64:256");
        return null;
    }

    public static int Int(string name, string s)
    {
        if (int.TryParse(s, NumberStyles.Integer, Inv, out var v)) return v;
        if (long.TryParse(s, NumberStyles.Integer, Inv, out _) || (double.TryParse(s, NumberStyles.Float, Inv, out var d) && Math.Abs(d) > int.MaxValue))
            throw Usage($"{name} {s} is too large; the largest accepted is {int.MaxValue.ToString(Inv)}");
        throw Usage($"{name} '{s}' is not a whole number");
    }

    public static long Long(string name, string s) =>
        long.TryParse(s, NumberStyles.Integer, Inv, out var v) ? v : throw Usage($"{name} '{s}' is not a whole number");

    /// <summary>A finite number; "5%" means 0.05.</summary>
    public static double Double(string name, string s)
    {
        var t = s.Trim();
        bool pct = t.EndsWith('%');
        if (!double.TryParse(pct ? t[..^1] : t, NumberStyles.Float, Inv, out var d))
            throw Usage($"{name} '{s}' is not a number");
        if (!double.IsFinite(d)) throw Usage($"{name} '{s}' is not a finite number; give a value that fits in a double ({double.MaxValue.ToString("G3", Inv)} at most)");
        return pct ? d / 100 : d;
    }

    /// <summary>Dollars: a leading '$' allowed; negative or non-numeric is an invalid price (exit 8).</summary>
    public static double Price(string name, string s)
    {
        var t = s.Trim().TrimStart('$');
        if (!double.TryParse(t, NumberStyles.Float, Inv, out var v) || !double.IsFinite(v))
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{name} '{s}' is not a price; give dollars as a number, e.g. 2.49");
        if (v < 0)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{name} {s} is negative; give a price in dollars that is not negative");
        return v;
    }

    /// <summary>"1,8,16": every element a whole number, no empty element, duplicates dropped (order kept).</summary>
    public static IReadOnlyList<int> IntList(string name, string s)
    {
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0)) throw Usage($"{name} '{s}' has an empty element; write a comma list like 1,8");
        return parts.Select(p => Int(name, p)).Distinct().ToList();
    }

    /// <summary>"0.5,1,2": every element a finite number, no empty element, duplicates dropped (order kept).</summary>
    public static IReadOnlyList<double> DoubleList(string name, string s)
    {
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0)) throw Usage($"{name} '{s}' has an empty element; write a comma list like 0.5,1,2");
        return parts.Select(p => Double(name, p)).Distinct().ToList();
    }

    public static IReadOnlyList<string> StringList(string s) =>
        s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static object EnumWord(Type enumType, string name, string s)
    {
        var words = Enum.GetValues(enumType).Cast<Enum>().Select(v => (Value: v, Word: WordOf(v))).ToList();
        var hit = words.FirstOrDefault(w => string.Equals(w.Word, s.Trim(), StringComparison.OrdinalIgnoreCase));
        if (hit.Word is not null) return hit.Value;
        throw Usage($"{name} '{s}' is not one of {string.Join(", ", words.Select(w => w.Word))}{Suggest.DidYouMean(s, words.Select(w => w.Word))}");
    }

    /// <summary>The word of any enum value (Words.Of for a boxed value).</summary>
    public static string WordOf(Enum value) =>
        (string)typeof(Words).GetMethod(nameof(Words.Of))!.MakeGenericMethod(value.GetType()).Invoke(null, [value])!;

    /// <summary>How a default value reads in help: lists as "1,8", numbers invariant, enums as their word; null: no default to show.</summary>
    public static string? Show(object? value) => value switch
    {
        null => null,
        bool b => b ? "on" : null,
        string s => s.Length == 0 ? null : s,
        Enum e => WordOf(e),
        double d => d.ToString("G", Inv),
        IFormattable f => f.ToString(null, Inv),
        IEnumerable e => string.Join(',', e.Cast<object>().Select(Show)),
        _ => value.ToString(),
    };

    public static InferenceEconomicsException Usage(string message) => new(ErrorKind.Usage, message);
}

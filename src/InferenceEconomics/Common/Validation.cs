using System.Globalization;

namespace InferenceEconomics;

/// <summary>
/// One thing wrong with a settings record, in the library's own words: <see cref="Field"/> is the
/// property path ("Measurement.MinRepetitions", "Machine.PricePerHour"), never a command-line flag.
/// The CLI maps fields to the flags it declared for them and <see cref="Kind"/> to an exit code.
/// </summary>
public sealed record ValidationError(string Field, string? Value, string Reason, string? Hint = null, ErrorKind Kind = ErrorKind.Usage)
{
    /// <summary>The line shown when no flag name is known for the field: "Field value: reason; hint".</summary>
    public string Describe(string? displayName = null) =>
        $"{displayName ?? Field}{(Value is null ? "" : $" {Value}")}: {Reason}{(Hint is null ? "" : $"; {Hint}")}";
}

/// <summary>A settings record that failed validation; the first error decides the exit code.</summary>
public sealed class ValidationException(IReadOnlyList<ValidationError> errors)
    : InferenceEconomicsException(errors[0].Kind, errors[0].Describe())
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}

/// <summary>Collects <see cref="ValidationError"/>s with the common range checks, then throws them together.</summary>
internal sealed class Validator
{
    private readonly List<ValidationError> _errors = [];

    public IReadOnlyList<ValidationError> Errors => _errors;

    public Validator Add(string field, object? value, string reason, string? hint = null, ErrorKind kind = ErrorKind.Usage)
    {
        _errors.Add(new ValidationError(field, Text(value), reason, hint, kind));
        return this;
    }

    /// <summary>value in [min, max] (or (min, max] when <paramref name="minExclusive"/>), and finite.</summary>
    public Validator Range(string field, double? value, double min, double max, string? hint = null, bool minExclusive = false, ErrorKind kind = ErrorKind.Usage)
    {
        if (value is not { } v) return this;
        if (!double.IsFinite(v)) return Add(field, v, "is not a finite number", hint, kind);
        bool low = minExclusive ? v <= min : v < min;
        if (low || v > max)
            Add(field, v, (double.IsPositiveInfinity(max) || max == double.MaxValue, minExclusive) switch
            {
                (true, true) => $"must be above {Text(min)}",
                (true, false) => $"must be at least {Text(min)}",
                (false, true) => $"must be above {Text(min)} and at most {Text(max)}",
                _ => $"must be from {Text(min)} to {Text(max)}",
            }, hint, kind);
        return this;
    }

    public Validator Range(string field, IEnumerable<int>? values, int min, int max, string? hint = null)
    {
        foreach (var v in values ?? []) Range(field, v, min, max, hint);
        return this;
    }

    public Validator Require(bool condition, string field, object? value, string reason, string? hint = null, ErrorKind kind = ErrorKind.Usage) =>
        condition ? this : Add(field, value, reason, hint, kind);

    /// <summary>Throws a <see cref="ValidationException"/> holding every error collected, if any.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0) throw new ValidationException(_errors.ToList());
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

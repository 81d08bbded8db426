namespace InferenceEconomics.Load;

/// <summary>The checks a load run's settings must pass before any request (fields are <see cref="LoadSettings"/> properties).</summary>
public static class LoadSettingsValidator
{
    public static IReadOnlyList<ValidationError> Check(LoadSettings s)
    {
        var v = new Validator()
            .Require(Uri.TryCreate(s.Endpoint.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps),
                nameof(s.Endpoint), EndpointClient.Display(s.Endpoint), "is not an http:// or https:// URL", "give the server's base URL, e.g. http://127.0.0.1:8000")
            .Require(s.Concurrency.Count > 0 || s.Rates.Count > 0, nameof(s.Concurrency), null, "is empty", "give at least one concurrency or --rate")
            .Range(nameof(s.Concurrency), s.Concurrency, 1, 100_000)
            .Range(nameof(s.MaxConcurrency), s.MaxConcurrency, 1, 100_000)
            .Range(nameof(s.WarmupRequests), s.WarmupRequests, 0, 100_000)
            .Range(nameof(s.RequestsPerLevel), s.RequestsPerLevel, 1, 10_000_000)
            .Range(nameof(s.DurationSeconds), s.DurationSeconds, 0, 7 * 86_400, minExclusive: true)
            .Range(nameof(s.Seed), s.Seed, 0, int.MaxValue)
            .Range(nameof(s.ConnectTimeoutSeconds), s.ConnectTimeoutSeconds, 0, 3600, minExclusive: true)
            .Range(nameof(s.FirstTokenTimeoutSeconds), s.FirstTokenTimeoutSeconds, 0, 86_400, minExclusive: true)
            .Range(nameof(s.IdleTimeoutSeconds), s.IdleTimeoutSeconds, 0, 86_400, minExclusive: true)
            .Range(nameof(s.RequestTimeoutSeconds), s.RequestTimeoutSeconds, 0, 7 * 86_400, minExclusive: true);
        foreach (var r in s.Rates) v.Range(nameof(s.Rates), r, 0, 1e6, "requests per second, e.g. 0.5,1,2,4", minExclusive: true);
        foreach (var (name, range) in new[] { (nameof(s.InputTokens), s.InputTokens), (nameof(s.OutputTokens), s.OutputTokens) })
            v.Require(range.Min >= 1 && range.Max >= range.Min && range.Max <= 1 << 20, name, range.ToString(), "must be N or MIN:MAX with 1 <= MIN <= MAX <= 1048576");
        if (s.Slo is { } slo && !Economics.Slo.TryParse(slo, out _, out var errors)) foreach (var e in errors) v.Add(e.Field, e.Value, e.Reason, e.Hint);
        return v.Errors;
    }

    /// <summary>Reads the trace now, so a bad line is reported before any request (exit 2 or 14).</summary>
    public static void CheckTrace(string path) => Prompts.ReadTrace(path);

    public static void Validate(LoadSettings s)
    {
        var errors = Check(s);
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

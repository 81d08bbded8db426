namespace InferenceEconomics.Measurement;

/// <summary>The checks a run's settings must pass before any work, as structured errors (fields are <see cref="RunSettings"/> properties).</summary>
public static class RunSettingsValidator
{
    /// <summary>Largest batch, prompt and generated length accepted (far beyond any model's context; guards overflow).</summary>
    public const int MaxTokens = 1 << 20;

    public static IReadOnlyList<ValidationError> Check(RunSettings s)
    {
        var v = new Validator()
            .Require(s.BatchSizes.Count > 0, nameof(s.BatchSizes), null, "is empty", "give at least one batch size")
            .Require(s.PromptTokens.Count > 0, nameof(s.PromptTokens), null, "is empty", "give at least one prompt length")
            .Require(s.GenTokens.Count > 0, nameof(s.GenTokens), null, "is empty", "give at least one generated length")
            .Range(nameof(s.BatchSizes), s.BatchSizes, 1, 4096)
            .Range(nameof(s.PromptTokens), s.PromptTokens, 1, MaxTokens)
            .Range(nameof(s.GenTokens), s.GenTokens, 2, MaxTokens, "one token comes from the prefill, so at least one decode step needs 2")
            .Range(nameof(s.WarmupRepetitions), s.WarmupRepetitions, 0, 1000)
            .Range(nameof(s.MinRepetitions), s.MinRepetitions, 1, 100_000)
            .Range(nameof(s.MaxRepetitions), s.MaxRepetitions, 1, 100_000)
            .Range(nameof(s.TimeBudgetSeconds), s.TimeBudgetSeconds, 0, 86_400)
            .Range(nameof(s.CiTarget), s.CiTarget, 0, 1, minExclusive: true)
            .Range(nameof(s.Seed), s.Seed, 0, int.MaxValue)
            .Range(nameof(s.IntraOpThreads), s.IntraOpThreads, 1, 1024)
            .Range(nameof(s.TelemetrySampleMs), s.TelemetrySampleMs, 5, 60_000, "50 is the default, 10 for short phases")
            .Range(nameof(s.IdleBaselineSeconds), s.IdleBaselineSeconds, 0, 600, "0 turns the idle baseline off")
            .Range(nameof(s.CooldownSeconds), s.CooldownSeconds, 0, 3600)
            .Range(nameof(s.MaxScenarios), s.MaxScenarios, 1, 1_000_000)
            .Range(nameof(s.ConversationRounds), s.ConversationRounds, 1, 1000);
        if (s.MaxRepetitions < s.MinRepetitions)
            v.Add(nameof(s.MaxRepetitions), s.MaxRepetitions, $"is below the minimum repetitions {s.MinRepetitions}");
        if (s.ScenarioCount > s.MaxScenarios)
            v.Add(nameof(s.MaxScenarios), s.MaxScenarios,
                $"the sweep has {s.BatchSizes.Count} x {s.PromptTokens.Count} x {s.GenTokens.Count} = {s.ScenarioCount} scenarios",
                "shorten the lists, or raise the cap if you mean it");
        return v.Errors;
    }

    /// <summary>Throws a <see cref="ValidationException"/> with every problem found.</summary>
    public static void Validate(RunSettings s)
    {
        var errors = Check(s);
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

namespace InferenceEconomics.Tests.TestSupport;

/// <summary>A fact that needs the official builder's model in ../shared: skipped, with the reason, where it is absent.</summary>
public sealed class SharedModelFactAttribute : FactAttribute
{
    public SharedModelFactAttribute()
    {
        if (Repo.SharedTinyModel is null) Skip = Repo.SharedModelMissing;
    }
}

/// <summary>Theory form of <see cref="SharedModelFactAttribute"/>.</summary>
public sealed class SharedModelTheoryAttribute : TheoryAttribute
{
    public SharedModelTheoryAttribute()
    {
        if (Repo.SharedTinyModel is null) Skip = Repo.SharedModelMissing;
    }
}

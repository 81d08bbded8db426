namespace InferenceEconomics.Schema;

/// <summary>What a note is about, so outputs can group, order and style notes without reading their words.</summary>
public enum NoteKind
{
    /// <summary>The weights are synthetic: speed is real, outputs are meaningless.</summary>
    Synthetic,
    /// <summary>A figure is estimated (user-given watts, scaled capacity...), not measured.</summary>
    Estimate,
    /// <summary>A sensor or source gave nothing: the figure is absent, never 0.</summary>
    NotMeasured,
    /// <summary>A price or value is unknown: shown as unknown, never 0.</summary>
    Unknown,
    /// <summary>A default or assumption the user did not choose.</summary>
    Assumption,
    /// <summary>The run or a scenario did not finish as asked.</summary>
    Status,
    /// <summary>Anything else a reader must see before trusting a figure.</summary>
    Caution,
}

/// <summary>
/// One honesty label: <see cref="Code"/> identifies it (two notes with one code are the same note,
/// whatever their wording), <see cref="Text"/> is what every output prints. Made by
/// <c>Notes</c> factories only, so each wording exists once.
/// </summary>
public sealed record Note(NoteKind Kind, string Code, string Text);

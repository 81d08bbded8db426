namespace InferenceEconomics.Schema;

// A workload as a user describes it (docs/workloads.md): a single request, a conversation or an agent task.
// Parsed strictly by Economics (WorkloadFiles); the built-in profiles use the same records.

/// <summary>One workload: exactly one of <see cref="Request"/>, <see cref="Conversation"/>, <see cref="Task"/>.</summary>
public sealed record WorkloadDefinition
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Why the cached share (or the shape) is what it is, in one line.</summary>
    public string? Why { get; init; }
    public RequestShape? Request { get; init; }
    public ConversationShape? Conversation { get; init; }
    public TaskShape? Task { get; init; }

    /// <summary>request | conversation | task</summary>
    public string Kind => Conversation is not null ? "conversation" : Task is not null ? "task" : "request";
}

/// <summary>Tokens of one request; <see cref="CachedPrefixShare"/> of the input is a prefix an API reads from its cache.</summary>
public sealed record RequestShape
{
    public required int InputTokens { get; init; }
    public double CachedPrefixShare { get; init; }
    public required int OutputTokens { get; init; }
    public int ReasoningTokens { get; init; }
}

/// <summary>A conversation: the whole history (system prompt, every earlier turn) is resent each turn.</summary>
public sealed record ConversationShape
{
    public int SystemPromptTokens { get; init; }
    /// <summary>Seconds between one turn's request and the next: a cached history is read only within the cache lifetime.</summary>
    public double TurnSpacingSeconds { get; init; } = DefaultTurnSpacingSeconds;
    public required IReadOnlyList<TurnShape> Turns { get; init; }

    public const double DefaultTurnSpacingSeconds = 60;
}

/// <summary>One turn: the user's message, context retrieved for it (kept in the history), the assistant's answer.</summary>
public sealed record TurnShape
{
    public required int UserTokens { get; init; }
    public int RetrievedTokens { get; init; }
    public required int AssistantTokens { get; init; }
}

/// <summary>
/// An agent task: <see cref="CallsPerTask"/> model calls of the given shape per attempt; a share
/// <see cref="RetryRate"/> of the calls is repeated once; an attempt completes the task with probability
/// <see cref="SuccessRate"/> (failed attempts are paid and the task is tried again).
/// </summary>
public sealed record TaskShape
{
    public required int CallsPerTask { get; init; }
    public required int InputTokens { get; init; }
    public double CachedPrefixShare { get; init; }
    public required int OutputTokens { get; init; }
    public int ReasoningTokens { get; init; }
    public double RetryRate { get; init; }
    public double SuccessRate { get; init; } = 1;
}


/// <summary>
/// The tokens of turn <see cref="Turn"/> (1-based) of a conversation whose whole history is resent:
/// its prompt (<see cref="ContextTokens"/>), the part an earlier turn already held (<see cref="HistoryTokens"/>:
/// the previous prompt and answer) and the new part (<see cref="NewTokens"/>: this turn's user message and retrieved context).
/// </summary>
public sealed record TurnTokens(int Turn, int ContextTokens, int HistoryTokens, int NewTokens, int AssistantTokens)
{
    /// <summary>Tokens in the sequence when this turn's answer is complete: the next turn's history.</summary>
    public int EndTokens => ContextTokens + AssistantTokens;

    /// <summary>
    /// context_1 = system + user_1 + retrieved_1; context_i = context_(i-1) + assistant_(i-1) + user_i + retrieved_i.
    /// History of turn 1 is 0 (nothing held yet); of turn i, context_(i-1) + assistant_(i-1).
    /// </summary>
    public static IReadOnlyList<TurnTokens> Of(ConversationShape c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var list = new List<TurnTokens>(c.Turns.Count);
        int history = 0;
        for (int i = 0; i < c.Turns.Count; i++)
        {
            var t = c.Turns[i];
            int fresh = t.UserTokens + t.RetrievedTokens + (i == 0 ? c.SystemPromptTokens : 0);
            var turn = new TurnTokens(i + 1, history + fresh, history, fresh, t.AssistantTokens);
            list.Add(turn);
            history = turn.EndTokens;
        }
        return list;
    }
}

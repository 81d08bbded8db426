using System.Diagnostics;
using InferenceEconomics.Engines;
using InferenceEconomics.Metrics;
using InferenceEconomics.Models;

namespace InferenceEconomics.Measurement;

/// <summary>
/// Measures a conversation turn by turn, KV reuse against full re-prefill, interleaved in one run: in each
/// round one conversation keeps its KV cache (each turn's new tokens prefilled on top of the history), and
/// each turn's whole context is also prefilled on a fresh sequence, right before that turn's append in even
/// rounds and right after its answer in odd ones (so neither side always runs warm). One warm-up round is discarded.
/// </summary>
internal static class ConversationRunner
{
    public static ConversationMeasurement Measure(IInferenceEngine engine, GenAiConfig config, string workload, IReadOnlyList<TurnTokens> turns,
        int rounds, int seed, CancellationToken ct = default)
    {
        if (engine is not IConversationEngine conv)
            return Empty(workload, turns, rounds, $"the {Words.Of(engine.Info.Name)} engine cannot keep a sequence's KV cache across turns");
        var ids = turns.Select(t => new ConversationTurnIds(PromptGenerator.Generate(config, 1, t.NewTokens, seed + t.Turn), t.AssistantTokens)).ToList();
        var fullIds = turns.Select(t => PromptGenerator.Generate(config, 1, t.ContextTokens, seed)).ToList();
        var inc = turns.Select(_ => new List<double>()).ToList();
        var full = turns.Select(_ => new List<double>()).ToList();
        string? stopped = null;
        try
        {
            for (int round = -1; round < rounds; round++) // round -1: warm-up, discarded
            {
                ct.ThrowIfCancellationRequested();
                var fullThisRound = new double[turns.Count];
                bool fullFirst = round % 2 == 0;
                var times = conv.RunConversation(ids, (i, before) =>
                {
                    if (before == fullFirst) fullThisRound[i] = FullPrefill(engine, turns[i], fullIds[i], ct);
                }, ct);
                if (round < 0) continue;
                for (int i = 0; i < turns.Count; i++)
                {
                    inc[i].Add(times[i]);
                    full[i].Add(fullThisRound[i]);
                }
            }
        }
        catch (ScenarioFailedException e)
        {
            stopped = e.Message;
        }
        catch (OperationCanceledException)
        {
            stopped = "interrupted";
        }
        int done = inc.Count == 0 ? 0 : inc[0].Count;
        return new ConversationMeasurement
        {
            Workload = workload,
            Rounds = done,
            StoppedReason = stopped,
            Turns = turns.Select((t, i) => Turn(t, inc[i], full[i])).ToList(),
        };
    }

    private static double FullPrefill(IInferenceEngine engine, TurnTokens t, int[] ids, CancellationToken ct)
    {
        var r = engine.Run(new GenerationRequest(1, t.ContextTokens, 1, ids), ct);
        return Stopwatch.GetElapsedTime(r.PrefillStart, r.PrefillEnd).TotalSeconds;
    }

    private static TurnMeasurement Turn(TurnTokens t, IReadOnlyList<double> inc, IReadOnlyList<double> full)
    {
        var m = new TurnMeasurement
        {
            Turn = t.Turn, HistoryTokens = t.HistoryTokens, NewTokens = t.NewTokens, ContextTokens = t.ContextTokens, AssistantTokens = t.AssistantTokens,
            IncrementalPrefillSeconds = inc.ToList(), FullPrefillSeconds = full.ToList(),
        };
        return m with { Summary = ConversationMetrics.Summarize(m) };
    }

    private static ConversationMeasurement Empty(string workload, IReadOnlyList<TurnTokens> turns, int rounds, string reason) => new()
    {
        Workload = workload, Rounds = 0, StoppedReason = reason,
        Turns = turns.Select(t => Turn(t, [], [])).ToList(),
    };
}

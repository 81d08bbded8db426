using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Store;
using InferenceEconomics.Tests.TestSupport;
using TestRuns = InferenceEconomics.Tests.Reporting.TestRuns;

namespace InferenceEconomics.Tests.Foundation;

/// <summary>The journal of finished scenarios beside result.json: merged by readers while a run is running, ignored once it is final.</summary>
public class JournalTests
{
    [Fact]
    public void A_running_result_reads_with_its_journal_and_a_torn_last_line_is_skipped()
    {
        using var tmp = new TempDir();
        var full = TestRuns.Build(batches: [1, 2, 4, 8], prompts: [128]);
        var running = full with { Status = RunStatus.Running, FinishedUtc = null, Scenarios = full.Scenarios.Take(1).ToList(), Process = RunLiveness.Current() };
        ResultStore.Save(running, tmp.Path);
        foreach (var s in full.Scenarios.Take(3)) ResultStore.AppendToJournal(tmp.Path, s); // the first one is in both: kept once
        File.AppendAllText(Path.Combine(tmp.Path, ResultStore.JournalFileName), "{\"id\": \"b8-p128-g17\", \"batch_si"); // a kill mid-append

        var seen = ResultStore.Load(tmp.Path);
        Assert.Equal(RunStatus.Running, seen.Status);
        Assert.Equal(["b1-p128-g17", "b2-p128-g17", "b4-p128-g17"], seen.Scenarios.Select(s => s.Id));
        Assert.Equal(full.Scenarios[2].Repetitions[0].PrefillSeconds, seen.Scenarios[2].Repetitions[0].PrefillSeconds);
        var stored = StoredDocument.Load(tmp.Path);
        Assert.Contains("b4-p128-g17", stored.Json, StringComparison.Ordinal); // push stores what readers see

        ResultStore.Save(full, tmp.Path); // the final write, complete: the journal says nothing more
        Assert.Equal(4, ResultStore.Load(tmp.Path).Scenarios.Count);
        ResultStore.RemoveJournal(tmp.Path);
        Assert.False(File.Exists(Path.Combine(tmp.Path, ResultStore.JournalFileName)));
    }

    [Fact]
    public void Rewrites_of_result_json_are_every_scenario_up_to_16_then_geometric()
    {
        int saved = 0, rewrites = 0;
        for (int n = 1; n <= 1000; n++)
            if (RunOrchestrator.ShouldRewrite(n, saved)) { saved = n; rewrites++; }
        // By hand: 16 at first, then last + last/4: 20, 25, 31, 38, 47, 58, 72, 90, 112, 140, 175, 218, 272, 340, 425, 531, 663, 828 (next 1035).
        Assert.Equal(16 + 18, rewrites);
        Assert.True(RunOrchestrator.ShouldRewrite(16, 15));
        Assert.False(RunOrchestrator.ShouldRewrite(19, 16));
        Assert.True(RunOrchestrator.ShouldRewrite(20, 16));
        Assert.False(RunOrchestrator.ShouldRewrite(124, 100));
        Assert.True(RunOrchestrator.ShouldRewrite(125, 100));
    }
}

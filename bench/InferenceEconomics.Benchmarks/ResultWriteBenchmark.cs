using System.Diagnostics;
using System.Globalization;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;

namespace InferenceEconomics.Benchmarks;

/// <summary>
/// The writes of a sweep of N scenarios, timed two ways on the same documents: rewriting result.json whole after
/// every scenario (quadratic bytes) and what a run does (append each scenario to the journal, rewrite result.json
/// for the first 16 and then each time the sweep grew by 25%, compact at the end). Each scenario holds 10 measured
/// repetitions of 31 decode steps, like a default sweep's. Prints seconds and MB written per N.
/// </summary>
public static class ResultWriteBenchmark
{
    private const int QuadraticLimit = 1000;
    private static double PerScenarioBytes;

    public static void Run(IReadOnlyList<int> sizes)
    {
        Console.WriteLine("| scenarios | rewrite whole: s | MB written | journal + geometric rewrite: s | MB written |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var n in sizes)
        {
            // Rewriting whole past 1,000 scenarios writes hundreds of GB: estimated from its N^2/2 law instead of run.
            var (newS, newB) = Time(n, journal: true);
            var (oldS, oldB) = n <= QuadraticLimit ? Time(n, journal: false) : (double.NaN, 0L);
            var oldText = n <= QuadraticLimit ? string.Create(CultureInfo.InvariantCulture, $"{oldS:F2} | {oldB / 1e6:N0}")
                : string.Create(CultureInfo.InvariantCulture, $"not run (about {PerScenarioBytes * (double)n * (n + 1) / 2 / 1e9:N0} GB) | —");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {n:N0} | {oldText} | {newS:F2} | {newB / 1e6:N0} |"));
        }
    }

    private static (double Seconds, long Bytes) Time(int n, bool journal)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ie-bench-writes-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            var rng = new Random(1);
            var result = new RunResult
            {
                RunId = "bench", StartedUtc = DateTimeOffset.UtcNow, Status = RunStatus.Running,
                Tool = new ToolInfo("InferenceEconomics", "bench", null), Config = new RunSettings(),
                Environment = new EnvironmentInfo { Host = "bench", Os = "linux", CpuModel = "cpu", LogicalCores = 2, DotnetVersion = "10" },
                Model = new ModelInfo { Name = "bench", Path = "bench", Synthetic = true, Precision = WeightPrecision.Fp32, IoDType = IoDType.Float32, Attention = AttentionKind.GroupQuery, ModelType = "llama", Layers = 2, HiddenSize = 64, Heads = 4, KvHeads = 4, HeadSize = 16, VocabSize = 100, ContextLength = 2048 },
                Engine = new EngineInfo(EngineKind.GenAi, "0", "cpu", Device.Cpu), Scenarios = [],
            };
            var done = new List<ScenarioResult>();
            long bytes = 0;
            int saved = 0;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < n; i++)
            {
                var reps = Enumerable.Range(0, 10).Select(_ => new RepetitionSample
                {
                    PrefillSeconds = 0.01 + rng.NextDouble() * 1e-3, TtftSeconds = 0.011 + rng.NextDouble() * 1e-3,
                    StepSeconds = Enumerable.Range(0, 31).Select(_ => 0.005 + rng.NextDouble() * 1e-4).ToList(),
                    PrefillStartOffset = i, DecodeStartOffset = i + 0.011, DecodeEndOffset = i + 0.2,
                }).ToList();
                var s = new ScenarioResult { Id = $"b{i + 1}-p128-g32", BatchSize = i + 1, PromptTokens = 128, GenTokens = 32, Status = ScenarioStatus.Ok, Repetitions = reps };
                done.Add(s);
                if (journal)
                {
                    ResultStore.AppendToJournal(dir, s);
                    if (!RunOrchestrator.ShouldRewrite(done.Count, saved)) continue;
                    saved = done.Count;
                }
                ResultStore.Save(result with { Scenarios = done.ToList() }, dir);
                bytes += new FileInfo(Path.Combine(dir, ResultStore.ResultFileName)).Length;
            }
            if (journal)
            {
                bytes += new FileInfo(Path.Combine(dir, ResultStore.JournalFileName)).Length;
                ResultStore.Save(result with { Scenarios = done.ToList(), Status = RunStatus.Complete }, dir);
                bytes += new FileInfo(Path.Combine(dir, ResultStore.ResultFileName)).Length;
                PerScenarioBytes = new FileInfo(Path.Combine(dir, ResultStore.ResultFileName)).Length / (double)n; // for the estimate past the limit
                ResultStore.RemoveJournal(dir);
            }
            return (clock.Elapsed.TotalSeconds, bytes);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}

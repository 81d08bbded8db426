using InferenceEconomics.Metrics;
using System.Diagnostics;
using System.Globalization;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Results.Comparison;
using InferenceEconomics.Results.History;
using InferenceEconomics.Store;
using Npgsql;

namespace InferenceEconomics.Benchmarks;

/// <summary>
/// `history` over many stored runs, on SQLite and on PostgreSQL (goal: under 1 s for 10,000 runs).
/// Generates synthetic result documents (20 hosts, 4 GPU types, 3 models, a year of dates; 3 scenarios
/// x 5 repetitions x 31 decode steps each), pushes them into a fresh SQLite file and a fresh PostgreSQL
/// database, then times history queries in interleaved rounds (each round runs every variant once in a
/// random order): the whole history (every run) and a filtered one (one GPU type and model).
/// PostgreSQL: IE_BENCH_POSTGRES, else IE_TEST_POSTGRES (or .services/env), a role that may create databases.
/// </summary>
public static class StoreHistoryBenchmark
{
    private static readonly string[] Gpus = ["NVIDIA H100 80GB HBM3", "NVIDIA H200", "NVIDIA L40S", "NVIDIA A100-SXM4-80GB"];
    private static readonly string[] Models = ["phi-3-mini", "llama-3.2-1b", "qwen2.5-7b"];

    public static void Run(int runs, int rounds)
    {
        var tmp = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ie-bench-store-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var adminUrl = Environment.GetEnvironmentVariable("IE_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("IE_TEST_POSTGRES") ?? ServicesEnv("IE_TEST_POSTGRES");
        string? pgDb = null;
        try
        {
            var stores = new List<(string Name, IResultStore Store)> { ("sqlite", ResultStores.Open(StoreLocation.Parse(Path.Combine(tmp, "runs.db")))) };
            if (adminUrl is not null)
            {
                pgDb = "ie_bench_" + Guid.NewGuid().ToString("N")[..10];
                Admin(adminUrl, $"CREATE DATABASE {pgDb}");
                var u = new Uri(adminUrl);
                stores.Add(("postgres", ResultStores.Open(StoreLocation.Parse($"{u.Scheme}://{u.UserInfo}@{u.Host}:{u.Port}/{pgDb}"))));
            }
            else Console.WriteLine("PostgreSQL: not measured (set IE_BENCH_POSTGRES or run scripts/services/postgres.sh)");

            var sw = Stopwatch.StartNew();
            var docs = Enumerable.Range(0, runs).Select(i => StoredDocument.Of(Document(i))).ToList();
            Console.WriteLine(Inv($"generated {runs} documents in {sw.Elapsed.TotalSeconds:0.0} s (mean {docs.Average(d => d.Json.Length) / 1024:0.0} KiB of JSON each)"));
            foreach (var (name, store) in stores)
            {
                sw.Restart();
                foreach (var chunk in docs.Chunk(500)) store.Push(chunk);
                Console.WriteLine(Inv($"{name}: pushed {store.Count()} runs in {sw.Elapsed.TotalSeconds:0.0} s"));
            }
            docs.Clear();

            var filtered = new HistoryFilter { Gpu = "h100", Model = "phi-3-mini" };
            var variants = new List<(string Name, Func<int>)>();
            foreach (var (name, store) in stores)
            {
                var source = new StoreRunSource(store);
                variants.Add(($"{name} history (all runs)", () => source.History(MetricCatalog.DecodeTps, new HistoryFilter()).Entries.Count));
                variants.Add(($"{name} history --gpu h100 --model phi-3-mini", () => source.History(MetricCatalog.DecodeTps, filtered).Entries.Count));
            }
            var times = variants.Select(_ => new List<double>()).ToArray();
            var counts = new int[variants.Count];
            var rng = new Random(42);
            for (int r = -1; r < rounds; r++)
                foreach (int i in Enumerable.Range(0, variants.Count).OrderBy(_ => rng.Next()))
                {
                    sw.Restart();
                    counts[i] = variants[i].Item2();
                    if (r >= 0) times[i].Add(sw.Elapsed.TotalSeconds);
                }
            Console.WriteLine();
            Console.WriteLine(Inv($"history over {runs} stored runs, {rounds} interleaved rounds (seconds: median, p25..p75, max); goal < 1 s"));
            Console.WriteLine("| variant | runs listed | median s | p25..p75 s | max s |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            for (int i = 0; i < variants.Count; i++)
            {
                var t = times[i].Order().ToArray();
                Console.WriteLine(Inv($"| {variants[i].Name} | {counts[i]} | {Q(t, 0.5):0.000} | {Q(t, 0.25):0.000}..{Q(t, 0.75):0.000} | {t[^1]:0.000} |"));
            }
            foreach (var (_, s) in stores) s.Dispose();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (pgDb is not null) Admin(adminUrl!, $"DROP DATABASE IF EXISTS {pgDb} WITH (FORCE)");
            Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>One synthetic run: deterministic per index, shaped like a real result document.</summary>
    private static RunResult Document(int i)
    {
        var rng = new Random(i);
        var gpu = Gpus[i % Gpus.Length];
        var model = Models[i / 7 % Models.Length];
        var started = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i * 52.5);
        var scenarios = new List<ScenarioResult>();
        foreach (var b in new[] { 1, 8, 16 })
        {
            double step = (0.010 + 0.0005 * b) * (1 + 0.05 * (i % Gpus.Length));
            var reps = Enumerable.Range(0, 5).Select(k =>
            {
                var steps = Enumerable.Range(0, 31).Select(_ => step * (1 + 0.03 * (rng.NextDouble() - 0.5))).ToList();
                double prefill = b * 128 / (9000.0 * Math.Sqrt(b)) * (1 + 0.02 * rng.NextDouble());
                return new RepetitionSample { PrefillSeconds = prefill, TtftSeconds = prefill + 0.0004, StepSeconds = steps, PrefillStartOffset = k, DecodeStartOffset = k + prefill, DecodeEndOffset = k + prefill + steps.Sum() };
            }).ToList();
            var s = new ScenarioResult { Id = $"b{b}_p128_g32", BatchSize = b, PromptTokens = 128, GenTokens = 32, Status = ScenarioStatus.Ok, StopReason = StopReason.CiReached, Repetitions = reps };
            scenarios.Add(s with { Summary = MetricCatalog.Summarize(s) });
        }
        return new RunResult
        {
            RunId = Inv($"{started.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}_node-{i % 20:00}_{model}-{i}"),
            StartedUtc = started,
            Tool = new ToolInfo("InferenceEconomics", "0.1.0", null),
            Config = new RunSettings { ModelSpec = model, Device = new Device(DeviceKind.Cuda), BatchSizes = [1, 8, 16], PromptTokens = [128], GenTokens = [32] },
            Environment = new EnvironmentInfo { Host = Inv($"node-{i % 20:00}"), Os = "Linux", CpuModel = "AMD EPYC 9654", LogicalCores = 64, DotnetVersion = "10.0", Gpus = [new GpuInfo(gpu, null, "580", "13.0", 80L << 30, 700)] },
            Model = new ModelInfo { Name = model, Path = "models/" + model, Synthetic = true, SyntheticOf = model, ModelType = "llama", Precision = i % 2 == 0 ? WeightPrecision.Int4 : WeightPrecision.Fp16, IoDType = IoDType.Float16, Attention = AttentionKind.GroupQuery, Layers = 32, HiddenSize = 3072, Heads = 32, KvHeads = 8, HeadSize = 96, VocabSize = 32064, ContextLength = 4096 },
            Engine = new EngineInfo(EngineKind.Ort, "1.31.0", "cuda", new Device(DeviceKind.Cuda)),
            Scenarios = scenarios,
            Labels = ["synthetic weights (benchmark data)"],
        };
    }


    private static string? ServicesEnv(string key)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var f = Path.Combine(d.FullName, ".services", "env");
            if (File.Exists(f)) return File.ReadAllLines(f).Select(l => l.Split('=', 2)).FirstOrDefault(p => p[0] == key)?[1];
        }
        return null;
    }

    private static void Admin(string url, string sql)
    {
        var u = new Uri(url);
        var user = u.UserInfo.Split(':', 2);
        using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = u.Host, Port = u.Port > 0 ? u.Port : 5432, Database = u.AbsolutePath.Trim('/'),
            Username = Uri.UnescapeDataString(user[0]), Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        }.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    private static double Q(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)pos, hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

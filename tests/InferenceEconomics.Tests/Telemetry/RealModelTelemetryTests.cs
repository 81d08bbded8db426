using InferenceEconomics.Common;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace InferenceEconomics.Tests.Telemetry;

/// <summary>
/// The wiring the run command uses, end to end on a real model: a GenAI decode loop records its
/// phase windows on the run clock (and calls nothing of telemetry), then the scenario is summarized.
/// </summary>
public sealed class RealModelTelemetryTests
{
    private static string? ModelDir()
    {
        var dir = Path.GetFullPath(Path.Combine(ProjectPaths.Discover().Root, "..", "shared", "models", "tiny-random-LlamaForCausalLM-fp16"));
        return File.Exists(Path.Combine(dir, "genai_config.json")) ? dir : null;
    }

    [Fact]
    public void Decode_loop_windows_are_cut_from_the_samples_and_serialized()
    {
        if (ModelDir() is not { } dir) return; // shared/models absent: nothing real to run (CI has it)
        const int B = 2, P = 8, G = 48;
        var clock = RunClock.StartNew();
        using var rec = TelemetryRecorder.Start(new TelemetryOptions(10, true, 0.2)
        {
            PowercapRoot = "/no/such/powercap",
            NvmlLibraryNames = ["libnvidia-ml-absent-for-test.so.1"],
        }, clock);
        rec.MeasureIdleBaseline(CancellationToken.None);

        using var oga = new OgaHandle();
        using var config = new Config(dir);
        config.ClearProviders();
        using var model = new Model(config);
        using var gp = new GeneratorParams(model);
        gp.SetSearchOption("batch_size", B);
        gp.SetSearchOption("max_length", P + G);
        gp.SetSearchOption("min_length", P + G);
        var prompt = Enumerable.Range(0, B * P).Select(i => 100 + i).ToArray();
        var reps = new List<RepetitionSample>();
        for (int r = 0; r < 3; r++)
        {
            using var gen = new Generator(model, gp);
            long t0 = RunClock.Now;
            gen.AppendTokens(prompt);
            long t1 = RunClock.Now;
            gen.GenerateNextToken();
            long t2 = RunClock.Now;
            var steps = new List<double>();
            for (int i = 1; i < G; i++)
            {
                long s = RunClock.Now;
                gen.GenerateNextToken();
                steps.Add(RunClock.Seconds(s, RunClock.Now));
            }
            long t3 = RunClock.Now;
            reps.Add(new RepetitionSample
            {
                PrefillSeconds = RunClock.Seconds(t0, t1), TtftSeconds = RunClock.Seconds(t0, t2), StepSeconds = steps,
                PrefillStartOffset = clock.Offset(t0), DecodeStartOffset = clock.Offset(t2), DecodeEndOffset = clock.Offset(t3),
            });
        }
        var scenario = new ScenarioResult { Id = "b2-p8-g48", BatchSize = B, PromptTokens = P, GenTokens = G, Status = "ok", Repetitions = reps };
        scenario = scenario with { Telemetry = rec.Summarize(scenario) };
        var info = rec.Finish()!;

        var t = scenario.Telemetry!;
        Assert.Equal(["decode", "prefill"], t.Host.Select(h => h.Phase).Order());
        var decode = t.Host.Single(h => h.Phase == "decode");
        Assert.Equal(reps.Sum(r => r.DecodeEndOffset - r.DecodeStartOffset), decode.Seconds, 9);
        Assert.NotNull(decode.AverageProcessCpuPercent);
        Assert.Equal(2, t.NotMeasured.Count);
        Assert.NotNull(info.Idle);
        Assert.Empty(info.Idle!.AveragePowerWatts);                  // nothing measures power here, and it says so
        var json = ResultJson.Serialize(scenario);
        Assert.Contains("\"not_measured\"", json);
        Assert.Contains("\"host\"", json);
        var back = ResultJson.Deserialize<ScenarioResult>(json);
        Assert.Equal(t.Host.Count, back.Telemetry!.Host.Count);
    }
}

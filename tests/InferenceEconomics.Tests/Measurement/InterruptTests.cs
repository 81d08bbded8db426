using InferenceEconomics.Telemetry;
using InferenceEconomics.Common;
using InferenceEconomics.Engines;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Measurement;

public class InterruptTests
{
    /// <summary>Synchronous progress sink (Progress&lt;T&gt; posts to the thread pool, too late to cancel on cue).</summary>
    private sealed class CancelAtScenario(int index, CancellationTokenSource cts, int afterRepetitions = 0) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (value.Sweep is { } s && s.ScenarioIndex == index && s.Repetitions >= afterRepetitions) cts.Cancel();
        }
    }

    private static RunPlan Plan(string results) => new()
    {
        Settings = new RunSettings
        {
            ModelSpec = Repo.SharedTinyModel!, BatchSizes = [1, 2, 4], PromptTokens = [8], GenTokens = [4],
            MinRepetitions = 3, MaxRepetitions = 3, TimeBudgetSeconds = 1,
        },
        ResultsDir = results,
        MeasureMemoryBandwidth = false,
    };

    [SharedModelFact]
    public void Interrupt_inside_a_scenario_keeps_its_measured_repetitions()
    {
        using var tmp = new TempDir();
        using var cts = new CancellationTokenSource();
        var outcome = new RunOrchestrator(new ProjectPaths(Repo.Root), new EngineFactory()).Execute(Plan(tmp.Path), new CancelAtScenario(0, cts, afterRepetitions: 2), cts.Token);

        var onDisk = ResultStore.Load(outcome.Folder);
        Assert.Equal([ScenarioStatus.Interrupted, ScenarioStatus.NotRun, ScenarioStatus.NotRun], onDisk.Scenarios.Select(s => s.Status));
        Assert.Equal(2, onDisk.Scenarios[0].Repetitions.Count);          // both finished repetitions survive
        Assert.Equal(2, onDisk.Scenarios[0].Summary!["decode_tps"].N);
        Assert.Contains("interrupted after 2", onDisk.Scenarios[0].FailureReason);
    }

    [SharedModelFact]
    public void Interrupted_sweep_keeps_finished_scenarios_and_marks_the_rest()
    {
        using var tmp = new TempDir();
        using var cts = new CancellationTokenSource();
        var outcome = new RunOrchestrator(new ProjectPaths(Repo.Root), new EngineFactory()).Execute(Plan(tmp.Path), new CancelAtScenario(1, cts), cts.Token);

        Assert.True(outcome.Interrupted);
        var onDisk = ResultStore.Load(outcome.Folder);
        Assert.Equal(RunStatus.Interrupted, onDisk.Status);
        // Cancelled during scenario 2's warm-up: nothing of it was measured, the third never started.
        Assert.Equal([ScenarioStatus.Ok, ScenarioStatus.Interrupted, ScenarioStatus.NotRun], onDisk.Scenarios.Select(s => s.Status));
        Assert.Empty(onDisk.Scenarios[1].Repetitions);
        Assert.Equal(3, onDisk.Scenarios[0].Repetitions.Count);
        Assert.Empty(Directory.GetFiles(outcome.Folder, "*.tmp"));
    }
}

public class MemoryFitTests
{
    [Fact]
    public void Cpu_model_larger_than_available_memory_is_refused_before_loading()
    {
        var model = new InferenceEconomics.Models.ModelResolver(new ProjectPaths(Repo.Root)).Resolve("synthetic:tiny", new InferenceEconomics.Models.ModelRequest());
        long onDisk = Directory.GetFiles(model.Directory).Where(f => f.EndsWith(".onnx") || f.EndsWith(".data")).Sum(f => new FileInfo(f).Length);
        var e = Assert.Throws<InferenceEconomicsException>(() => RunOrchestrator.CheckFitsInMemory(model, Device.Cpu, onDisk - 1));
        Assert.Equal(ErrorKind.NoScenarioRan, e.Kind);
        Assert.Contains("exceed the memory available", e.Message);
        RunOrchestrator.CheckFitsInMemory(model, Device.Cpu, onDisk);        // exactly fits: no error
        RunOrchestrator.CheckFitsInMemory(model, new Device(DeviceKind.Cuda, 0), 1);          // GPU memory is not host memory
    }

    [Fact]
    public void Meminfo_fields_are_read_by_exact_name()
    {
        const string text = "MemTotal:       16384000 kB\nMemFree:  1 kB\nMemAvailable:   8192000 kB\n";
        Assert.Equal(8_192_000L * 1024, InferenceEconomics.Telemetry.Procfs.ProcfsParser.ParseMeminfoField(text, "MemAvailable"));
        Assert.Null(InferenceEconomics.Telemetry.Procfs.ProcfsParser.ParseMeminfoField(text, "Mem"));
        var real = EnvironmentProbe.AvailableMemoryBytes();
        Assert.NotNull(real);
        Assert.InRange(real!.Value, 1, EnvironmentProbe.MemoryBytes()!.Value);
    }
}

using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Foundation;

public class ResultStoreTests
{
    internal static RunResult Sample(string runId = "r1") => new()
    {
        RunId = runId,
        StartedUtc = new DateTimeOffset(2026, 11, 30, 1, 2, 3, TimeSpan.Zero),
        Tool = new ToolInfo("InferenceEconomics", "0.1.0", "abc"),
        Config = new RunSettings { ModelSpec = "synthetic:tiny", BatchSizes = [1, 8], PromptTokens = [128], GenTokens = [32] },
        Environment = new EnvironmentInfo { Host = "h", Os = "linux", CpuModel = "cpu", LogicalCores = 2, DotnetVersion = "10" },
        Model = new ModelInfo
        {
            Name = "synthetic:tiny", Path = "/m", Synthetic = true, SyntheticOf = "tiny", ModelType = "llama", Precision = WeightPrecision.Fp32, IoDType = IoDType.Float32,
            Attention = AttentionKind.GroupQuery, Layers = 4, HiddenSize = 256, Heads = 4, KvHeads = 2, HeadSize = 64, VocabSize = 8192, ContextLength = 2048,
        },
        Engine = new EngineInfo(EngineKind.GenAi, "0.18.0", "CPUExecutionProvider", Device.Cpu),
        Scenarios =
        [
            new ScenarioResult
            {
                Id = "b1_p128_g32", BatchSize = 1, PromptTokens = 128, GenTokens = 32, Status = ScenarioStatus.Ok,
                Repetitions = [new RepetitionSample { PrefillSeconds = 0.01, TtftSeconds = 0.011, StepSeconds = [0.001, 0.002], PrefillStartOffset = 1, DecodeStartOffset = 1.011, DecodeEndOffset = 1.014 }],
                Summary = null,
            },
            new ScenarioResult { Id = "b8_p128_g32", BatchSize = 8, PromptTokens = 128, GenTokens = 32, Status = ScenarioStatus.Failed, FailureReason = "why" },
        ],
        Labels = ["synthetic weights, same shape as tiny"],
    };

    [Fact]
    public void Json_round_trip_keeps_every_field()
    {
        using var tmp = new TempDir();
        var r = Sample();
        ResultStore.Save(r, tmp.Path);
        var back = ResultStore.Load(tmp.Path);
        // Records compare by value, but lists compare by reference: compare the serialized forms.
        Assert.Equal(ResultJson.Serialize(r), ResultJson.Serialize(back));
        Assert.Equal([0.001, 0.002], back.Scenarios[0].Repetitions[0].StepSeconds);
        Assert.Equal("why", back.Scenarios[1].FailureReason);
        var text = File.ReadAllText(tmp.Combine("result.json"));
        Assert.Contains("\"schema_version\": \"1.0\"", text);
        Assert.Contains("\"step_seconds\"", text);
    }

    [Fact]
    public void Interrupted_write_leaves_previous_result_intact_and_no_temp_file()
    {
        using var tmp = new TempDir();
        var path = tmp.Combine("result.json");
        AtomicFile.Write(path, "{\"old\":true}");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, "{\"new\":tr"u8.ToArray(), null, () => throw new IOException("crash before rename")));
        Assert.Equal("{\"old\":true}", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void Interrupted_first_write_leaves_no_result_file()
    {
        using var tmp = new TempDir();
        var path = tmp.Combine("result.json");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, "{}"u8.ToArray(), null, () => throw new IOException("crash")));
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void Malformed_result_says_where()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Combine("result.json"), "{\n  \"run_id\": \"x\",\n  oops\n}");
        var e = Assert.Throws<InferenceEconomicsException>(() => ResultStore.Load(tmp.Path));
        Assert.Equal(ErrorKind.ResultInvalid, e.Kind);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Newer_schema_major_is_refused()
    {
        using var tmp = new TempDir();
        ResultStore.Save(Sample() with { SchemaVersion = "2.0" }, tmp.Path);
        var e = Assert.Throws<InferenceEconomicsException>(() => ResultStore.Load(tmp.Path));
        Assert.Equal(ErrorKind.ResultInvalid, e.Kind);
        Assert.Contains("schema 2.0", e.Message);
    }

    [Fact]
    public void Runs_started_in_the_same_second_get_their_own_folders()
    {
        using var tmp = new TempDir();
        var a = ResultStore.CreateUniqueRunFolder(tmp.Path, "20260102T030405Z_h_m");
        var b = ResultStore.CreateUniqueRunFolder(tmp.Path, "20260102T030405Z_h_m");
        Assert.Equal(tmp.Combine("20260102T030405Z_h_m"), a);
        Assert.Equal(tmp.Combine("20260102T030405Z_h_m-2"), b);
        Assert.Equal(2, Directory.GetDirectories(tmp.Path).Length);   // no temp folders left
    }

    [Fact]
    public void Run_folder_name_is_sortable_and_safe()
    {
        var name = ResultStore.RunFolderName(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "my host", "synthetic:phi-3-mini");
        Assert.Equal("20260102T030405Z_my-host_synthetic-phi-3-mini", name);
    }
}

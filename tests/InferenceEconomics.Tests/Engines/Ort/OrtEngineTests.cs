using InferenceEconomics.Engines;
using InferenceEconomics.Engines.Ort;
using InferenceEconomics.Measurement;
using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Engines.Ort;

/// <summary>OrtEngine on the official builder's model through a real ONNX Runtime session.</summary>
public sealed class OrtEngineTests
{
    [SharedModelFact]
    public void Timestamps_follow_the_metric_definitions_and_ids_are_deterministic()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new OrtEngine(model, OrtTestModels.Cpu);
        var ids = PromptGenerator.Generate(model.Config, 3, 9, seed: 5);
        var a = engine.Run(new GenerationRequest(3, 9, 6, ids, CaptureTokens: true));
        var b = engine.Run(new GenerationRequest(3, 9, 6, ids, CaptureTokens: true));
        var quiet = engine.Run(new GenerationRequest(3, 9, 6, ids));

        Assert.Equal(5, a.StepEnds.Length); // G - 1 decode runs
        Assert.True(a.PrefillStart < a.PrefillEnd && a.PrefillEnd <= a.FirstTokenEnd && a.FirstTokenEnd <= a.StepEnds[0]);
        for (int i = 1; i < a.StepEnds.Length; i++) Assert.True(a.StepEnds[i - 1] <= a.StepEnds[i]);
        Assert.Equal(a.GeneratedIds, b.GeneratedIds);
        Assert.Null(quiet.GeneratedIds);
        Assert.All(a.GeneratedIds!.SelectMany(s => s), id => Assert.DoesNotContain(id, model.Config.EosTokenIds));
    }

    [SharedModelFact]
    public void Sweep_figures_agree_with_each_other()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new OrtEngine(model, OrtTestModels.Cpu);
        InferenceEconomics.Tests.Engines.GenAiEngineTests.AssertConsistentSweep(engine, model, batch: 2, prompt: 16, gen: 8);
    }

    [SharedModelFact]
    public void Batch_rows_are_independent()
    {
        // A row's ids must not depend on its neighbours: row 1 of a batch of 2 equals the same prompt at batch 1.
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new OrtEngine(model, OrtTestModels.Cpu);
        var pair = PromptGenerator.Generate(model.Config, 2, 6, seed: 9);
        var both = engine.Run(new GenerationRequest(2, 6, 5, pair, CaptureTokens: true)).GeneratedIds!;
        var second = engine.Run(new GenerationRequest(1, 6, 5, pair[6..], CaptureTokens: true)).GeneratedIds!;
        Assert.Equal(second[0], both[1]);
        Assert.NotEqual(both[0], both[1]);
    }

    [SharedModelFact]
    public void Cancellation_stops_between_steps_and_the_engine_stays_usable()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new OrtEngine(model, OrtTestModels.Cpu);
        var ids = PromptGenerator.Generate(model.Config, 1, 4, seed: 2);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => engine.Run(new GenerationRequest(1, 4, 8, ids), cancelled.Token));
        Assert.Equal(7, engine.Run(new GenerationRequest(1, 4, 8, ids)).StepEnds.Length);
    }

    [SharedModelFact]
    public void Over_context_scenario_fails_with_the_reason()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new OrtEngine(model, OrtTestModels.Cpu);
        var e = Assert.Throws<ScenarioFailedException>(() => engine.Run(new GenerationRequest(1, 2040, 16, new int[2040])));
        Assert.Contains("2056", e.Message);
        Assert.Contains("context length 2048", e.Message);
    }

    [SharedModelFact]
    public void Engine_info_names_plain_ort_on_the_cpu_ep()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new OrtEngine(model, OrtTestModels.Cpu);
        Assert.Equal(EngineKind.Ort, engine.Info.Name);
        Assert.Equal("CPUExecutionProvider", engine.Info.ExecutionProvider);
        Assert.Equal(Device.Cpu, engine.Info.Device);
        Assert.StartsWith("1.31.", engine.Info.Version); // Microsoft.ML.OnnxRuntime 1.31.0 is the referenced package
        Assert.False(engine.SharesKvBuffer);             // MHA + position_ids: growing cache
    }

    [SharedModelFact]
    public void Factory_gives_the_ort_engine_for_engine_ort()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        using var engine = new EngineFactory().Create(model, OrtTestModels.Cpu);
        Assert.IsType<OrtEngine>(engine);
    }

    [Fact]
    public void Model_folder_whose_onnx_file_is_missing_is_a_model_file_error()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine(GenAiConfig.FileName), """
            {"model":{"type":"llama","context_length":64,"vocab_size":32,"eos_token_id":1,"pad_token_id":1,
             "decoder":{"filename":"model.onnx","head_size":4,"num_attention_heads":2,"num_key_value_heads":1,"num_hidden_layers":1}}}
            """);
        var model = Unvalidated(dir.Path); // the resolver would refuse it first; the engine must too
        var e = Assert.Throws<InferenceEconomicsException>(() => new OrtEngine(model, OrtTestModels.Cpu));
        Assert.Equal(ErrorKind.ModelFileInvalid, e.Kind);
        Assert.Contains("model.onnx", e.Message);
    }

    [Fact]
    public void Truncated_onnx_file_is_a_model_file_error()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine(GenAiConfig.FileName), """
            {"model":{"type":"llama","context_length":64,"vocab_size":32,"eos_token_id":1,"pad_token_id":1,
             "decoder":{"filename":"model.onnx","head_size":4,"num_attention_heads":2,"num_key_value_heads":1,"num_hidden_layers":1}}}
            """);
        File.WriteAllBytes(dir.Combine("model.onnx"), [0x08, 0x0A, 0x12]);
        var model = Unvalidated(dir.Path); // the resolver would refuse it first; the engine must too
        var e = Assert.Throws<InferenceEconomicsException>(() => new OrtEngine(model, OrtTestModels.Cpu));
        Assert.Equal(ErrorKind.ModelFileInvalid, e.Kind);
    }

    private static ResolvedModel Unvalidated(string dir) => new()
    {
        Directory = dir,
        DisplayName = "broken",
        Config = GenAiConfig.Load(dir),
        Synthetic = false,
        Precision = WeightPrecision.Fp32,
        // Never read: the engine must refuse the file on its own, whatever the resolver would have found.
        Graph = new ModelGraphFacts
        {
            OnnxPath = Path.Combine(dir, "model.onnx"), Layers = new(1, "test"), Attention = AttentionKind.GroupQuery,
            Heads = null, KvHeads = null, HeadSize = null, HiddenSize = null, VocabSize = null,
            Precision = WeightPrecision.Fp32, PrecisionSource = "test", Io = IoDType.Float32, IoSource = "test",
            PastInputs = [], Inputs = [], Outputs = [], ParameterCount = 0,
        },
    };
}

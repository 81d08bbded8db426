using InferenceEconomics.Engines.Ort;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceEconomics.Tests.Engines.Ort;

/// <summary>Greedy selection from the last position's logits, on the host and through the selector ONNX graph (real CPU session).</summary>
public sealed class TokenSelectorTests
{
    // logits [B=2, S=2, V=5]; only the last position (s=1) counts. EOS id 3.
    // Row 0 last position: max at 3 (EOS, excluded) -> next best 1. Row 1 last position: max at 4.
    // The first position has its max elsewhere (0) to catch a wrong position.
    private static readonly float[] Logits =
    [
        9f, 0f, 0f, 0f, 0f,    0.5f, 2f, -1f, 7f, 1.5f,
        9f, 0f, 0f, 0f, 0f,    -3f, -2f, -1f, -4f, 0.25f,
    ];
    private static readonly long[] Expected = [1, 4];

    public static TheoryData<bool, bool> Cases => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chooses_the_largest_non_eos_logit_of_the_last_position(bool onGraph, bool fp16)
    {
        using var logits = fp16
            ? OrtValue.CreateTensorValueFromMemory(Logits.Select(f => (Float16)f).ToArray(), [2, 2, 5])
            : OrtValue.CreateTensorValueFromMemory(Logits.ToArray(), [2, 2, 5]);
        using var options = new SessionOptions();
        using ITokenSelector selector = onGraph
            ? new DeviceGreedySelector(options, 5, [3], fp16 ? TensorElementType.Float16 : TensorElementType.Float)
            : new HostGreedySelector(5, [3]);
        var ids = new long[2];
        selector.Select(logits, ids);
        Assert.Equal(Expected, ids);
    }

    [Fact]
    public void Graph_with_device_copies_passes_ids_and_mask_through()
    {
        using var options = new SessionOptions();
        using var session = new InferenceSession(DeviceGreedySelector.BuildGraph(5, [3], TensorElementType.Float, withDeviceCopies: true), options);
        using var logits = OrtValue.CreateTensorValueFromMemory(Logits.ToArray(), [2, 2, 5]);
        long[] mask = [1, 1, 1, 0, 1, 1, 1, 0];
        using var maskIn = OrtValue.CreateTensorValueFromMemory(mask, [2, 4]);
        using var results = session.Run(new RunOptions(), ["logits", "mask_in"], [logits, maskIn], ["ids", "ids_device", "mask_out"]);
        Assert.Equal(Expected, results[0].GetTensorDataAsSpan<long>().ToArray());
        Assert.Equal(Expected, results[1].GetTensorDataAsSpan<long>().ToArray());
        Assert.Equal(mask, results[2].GetTensorDataAsSpan<long>().ToArray());
    }
}

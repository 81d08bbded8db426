using System.Buffers.Binary;
using System.Numerics.Tensors;
using InferenceEconomics.Models.Onnx;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceEconomics.Engines.Ort;

/// <summary>
/// Greedy next-token choice from the logits of the last position of each sequence. EOS ids are never
/// chosen: the engine generates exactly G tokens, as GenAI does with min_length = max_length (it masks EOS).
/// </summary>
internal interface ITokenSelector : IDisposable
{
    /// <summary>Writes the chosen id of each of the B sequences to <paramref name="ids"/> (host memory).</summary>
    void Select(OrtValue logits, long[] ids);
}

/// <summary>Argmax on the host: for the CPU EP, where the logits already live in host memory.</summary>
internal sealed class HostGreedySelector(int vocabSize, IReadOnlyList<int> eosIds) : ITokenSelector
{
    private readonly float[] _row = new float[vocabSize];

    public void Select(OrtValue logits, long[] ids)
    {
        var info = logits.GetTensorTypeAndShape();
        var shape = info.Shape; // [B, S, V]
        int batch = (int)shape[0], seq = (int)shape[1], vocab = (int)shape[2];
        if (vocab != _row.Length) throw new InvalidOperationException($"logits have {vocab} columns, the config says vocab_size {_row.Length}");
        var raw = logits.GetTensorMutableRawData();
        for (int b = 0; b < batch; b++)
        {
            int offset = checked((int)(((long)b * seq + seq - 1) * vocab));
            if (info.ElementDataType == TensorElementType.Float16)
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(raw).Slice(offset, vocab), _row);
            else
            {
                // fp32: read in place; copy only in the rare case an EOS id is the maximum.
                var row = MemoryMarshal.Cast<byte, float>(raw).Slice(offset, vocab);
                int best = TensorPrimitives.IndexOfMax(row);
                if (!eosIds.Contains(best)) { ids[b] = best; continue; }
                row.CopyTo(_row);
            }
            foreach (var eos in eosIds) _row[eos] = float.NegativeInfinity;
            ids[b] = TensorPrimitives.IndexOfMax(_row);
        }
    }

    public void Dispose() { }
}

/// <summary>
/// Argmax where the logits are (the CUDA device): a tiny ONNX graph run by a second session on the same EP,
/// so only B ids cross to the host instead of B x V logits. Graph: Gather(last position) -> Cast(float)
/// -> Add(EOS bias of -inf) -> ArgMax(axis 1) -> ids [B,1] int64, written with the project's ONNX writer.
/// </summary>
internal sealed class DeviceGreedySelector : ITokenSelector
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    public DeviceGreedySelector(SessionOptions options, int vocabSize, IReadOnlyList<int> eosIds, TensorElementType logitsType)
    {
        _session = new InferenceSession(BuildGraph(vocabSize, eosIds, logitsType), options);
        _binding = _session.CreateIoBinding();
    }

    /// <param name="withDeviceCopies">Also output ids_device (= ids) and mask_out (= input mask_in), bound by the
    /// CUDA graph decoder to its fixed device buffers: the copies to the device happen inside this run.</param>
    internal static byte[] BuildGraph(int vocabSize, IReadOnlyList<int> eosIds, TensorElementType logitsType, bool withDeviceCopies = false)
    {
        var ioType = logitsType == TensorElementType.Float16 ? OnnxDataType.Float16 : OnnxDataType.Float;
        var bias = new byte[vocabSize * sizeof(float)];
        foreach (var e in eosIds) BinaryPrimitives.WriteSingleLittleEndian(bias.AsSpan(e * sizeof(float)), float.NegativeInfinity);
        var nodes = new List<OnnxNode>
        {
            Node("Constant", [], ["last_position"], new OnnxAttribute("value", OnnxTensorValue.Int64([], -1))),
            Node("Constant", [], ["eos_bias"], new OnnxAttribute("value", new OnnxTensorValue(OnnxDataType.Float, [vocabSize], bias))),
            Node("Gather", ["logits", "last_position"], ["last_logits"], new OnnxAttribute("axis", 1L)),
            Node("Cast", ["last_logits"], ["last_logits_f32"], new OnnxAttribute("to", (long)OnnxDataType.Float)),
            Node("Add", ["last_logits_f32", "eos_bias"], ["allowed_logits"]),
            Node("ArgMax", ["allowed_logits"], ["ids"], new OnnxAttribute("axis", 1L), new OnnxAttribute("keepdims", 1L)),
        };
        var inputs = new List<OnnxValueInfo> { new("logits", ioType, ["batch", "sequence", vocabSize]) };
        var outputs = new List<OnnxValueInfo> { new("ids", OnnxDataType.Int64, ["batch", 1]) };
        if (withDeviceCopies)
        {
            nodes.Add(Node("Identity", ["ids"], ["ids_device"]));
            nodes.Add(Node("Identity", ["mask_in"], ["mask_out"]));
            inputs.Add(new("mask_in", OnnxDataType.Int64, ["batch", "total"]));
            outputs.Add(new("ids_device", OnnxDataType.Int64, ["batch", 1]));
            outputs.Add(new("mask_out", OnnxDataType.Int64, ["batch", "total"]));
        }
        return OnnxModelWriter.Serialize(new OnnxModel
        {
            Opsets = new Dictionary<string, long> { [""] = 21 },
            ProducerName = "InferenceEconomics",
            GraphName = "greedy_selector",
            Nodes = nodes,
            Inputs = inputs,
            Outputs = outputs,
        });
    }

    private static OnnxNode Node(string op, string[] inputs, string[] outputs, params OnnxAttribute[] attributes) =>
        new(op, outputs[0] + "_node", inputs, outputs, Attributes: attributes);

    public void Select(OrtValue logits, long[] ids)
    {
        int batch = (int)logits.GetTensorTypeAndShape().Shape[0];
        using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, batch), [batch, 1]);
        _binding.BindInput("logits", logits);
        _binding.BindOutput("ids", output);
        _session.RunWithBinding(_runOptions, _binding);
        _binding.SynchronizeBoundOutputs();
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

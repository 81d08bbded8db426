using InferenceEconomics.Models.Onnx;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>The hand-written protobuf writer and reader: exact bytes for small messages, round trips, and a real builder model.</summary>
public sealed class OnnxProtoTests
{
    [Fact]
    public void WriterEmitsTheProtobufWireFormat()
    {
        // Field 1 varint 150 -> 08 96 01 (the protobuf documentation's own example); field 2 string "hi" -> 12 02 68 69;
        // field 2 float 1.0 -> 15 00 00 80 3F; field 8 varint -1 -> 10 bytes (two's complement, 64-bit).
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, new ProtoWriter().Int(1, 150).ToArray());
        Assert.Equal(new byte[] { 0x12, 0x02, 0x68, 0x69 }, new ProtoWriter().String(2, "hi").ToArray());
        Assert.Equal(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3F }, new ProtoWriter().Float(2, 1f).ToArray());
        Assert.Equal(new byte[] { 0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, new ProtoWriter().Int(8, -1).ToArray());
        // A nested message is length-delimited: field 7, length 3, then its bytes.
        Assert.Equal(new byte[] { 0x3A, 0x03, 0x08, 0x96, 0x01 }, new ProtoWriter().Message(7, new ProtoWriter().Int(1, 150)).ToArray());
    }

    [Fact]
    public void ModelRoundTripsThroughWriterAndReader()
    {
        var model = new OnnxModel
        {
            IrVersion = 10,
            Opsets = new Dictionary<string, long> { [""] = 21, ["com.microsoft"] = 1 },
            ProducerName = "p",
            ProducerVersion = "9",
            GraphName = "g",
            Nodes =
            [
                new OnnxNode("Constant", "c", [], ["c0"], "", [new("value", OnnxTensorValue.Int64([2], 7, -3))]),
                new OnnxNode("Custom", "n", ["x", "", "c0"], ["y", ""], "com.microsoft",
                    [new("i", -5L), new("f", 0.25f), new("s", "text"), new("ints", new long[] { 1, -2, 300 }), new("floats", new[] { 1.5f, -2f })]),
            ],
            Inputs = [new OnnxValueInfo("x", OnnxDataType.Float16, ["batch_size", 3, "total_sequence_length"])],
            Outputs = [new OnnxValueInfo("y", OnnxDataType.Int64, [1])],
            Initializers = [new OnnxInitializer("w", OnnxDataType.UInt8, [4, 2, 16], "data.bin", 65536, 128)],
        };
        var back = OnnxModelInspector.ParseModel(OnnxModelWriter.Serialize(model));

        Assert.Equal(10, back.IrVersion);
        Assert.Equal(model.Opsets.OrderBy(k => k.Key), back.Opsets.OrderBy(k => k.Key));
        Assert.Equal(("p", "9", "g"), (back.ProducerName, back.ProducerVersion, back.GraphName));
        Assert.Equal(2, back.Nodes.Count);
        var n = back.Nodes[1];
        Assert.Equal(("Custom", "n", "com.microsoft"), (n.OpType, n.Name, n.Domain));
        Assert.Equal(["x", "", "c0"], n.Inputs);
        Assert.Equal(["y", ""], n.Outputs);
        Assert.Equal(-5, n.Attribute("i")!.Int);
        Assert.Equal(0.25f, n.Attribute("f")!.Float);
        Assert.Equal("text", n.Attribute("s")!.Str);
        Assert.Equal(new long[] { 1, -2, 300 }, (long[])n.Attribute("ints")!.Value);
        Assert.Equal(new[] { 1.5f, -2f }, (float[])n.Attribute("floats")!.Value);
        var c = back.Nodes[0].Attribute("value")!.Tensor;
        Assert.Equal(OnnxDataType.Int64, c.DataType);
        Assert.Equal([2L], c.Dims);
        Assert.Equal(new long[] { 7, -3 }, c.AsInt64());
        Assert.Equal(["batch_size", "3", "total_sequence_length"], back.Inputs[0].Dims.Select(d => d.ToString()));
        Assert.Equal(3L, back.Inputs[0].Dims[1].Value);
        Assert.Equal(OnnxDataType.Float16, back.Inputs[0].ElemType);
        var w = back.Initializers.Single();
        Assert.Equal(("w", OnnxDataType.UInt8, "data.bin", 65536L, 128L), (w.Name, w.DataType, w.Location, w.Offset, w.Length));
        Assert.Equal([4L, 2L, 16L], w.Dims);
    }

    /// <summary>A model written by onnxruntime-genai's official builder (shared fixture): read by the project's reader.</summary>
    [SharedModelFact]
    public void ReadsAModelMadeByTheOfficialBuilder()
    {
        var dir = Repo.SharedTinyModel!;
        var m = OnnxModelInspector.Read(Path.Combine(dir, "model.onnx"));
        // Its README: fp16 I/O, inputs input_ids, attention_mask, position_ids, past_key_values.{0,1}.*, 2 layers, 1 head, hidden 16.
        Assert.Equal(["input_ids", "attention_mask", "position_ids", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"],
            m.Inputs.Select(i => i.Name));
        Assert.Equal("logits", m.Outputs[0].Name);
        Assert.Equal(OnnxDataType.Float16, m.Outputs[0].ElemType);
        Assert.Equal(OnnxDataType.Int64, m.Inputs[0].ElemType);
        Assert.Equal("batch_size", m.Inputs[0].Dims[0].Param);
        Assert.Contains(m.Nodes, x => x.OpType == "MultiHeadAttention" && x.Domain == "com.microsoft");
        Assert.Contains(m.Nodes, x => x.OpType == "RotaryEmbedding" && x.Domain == "com.microsoft");
        Assert.Contains(m.Nodes, x => x.OpType == "SkipSimplifiedLayerNormalization");
        Assert.True(m.Opsets.ContainsKey("com.microsoft"));
        OnnxModelInspector.Validate(dir, "model.onnx"); // complete: no exception
    }
}

using System.Buffers.Binary;
using System.Text;

namespace InferenceEconomics.Engines.Ort;

/// <summary>
/// Just enough of the protobuf wire format to write a small ONNX ModelProto (the token selector graph)
/// without a protobuf dependency. Field numbers are those of onnx/onnx.proto.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    public ProtoWriter Int(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> bytes)
    {
        Tag(field, 2);
        Varint((ulong)bytes.Length);
        _buffer.Write(bytes);
        return this;
    }

    public ProtoWriter Str(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Msg(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong v)
    {
        while (v >= 0x80) { _buffer.WriteByte((byte)(v | 0x80)); v >>= 7; }
        _buffer.WriteByte((byte)v);
    }
}

/// <summary>Builders for the ONNX messages the selector graph uses.</summary>
internal static class Onnx
{
    // TensorProto.DataType
    public const int Float = 1, Int64 = 7, Float16 = 10;

    public static ProtoWriter Node(string op, string[] inputs, string[] outputs, params ProtoWriter[] attributes)
    {
        var n = new ProtoWriter();
        foreach (var i in inputs) n.Str(1, i);
        foreach (var o in outputs) n.Str(2, o);
        n.Str(3, outputs[0] + "_node").Str(4, op);
        foreach (var a in attributes) n.Msg(5, a);
        return n;
    }

    public static ProtoWriter IntAttr(string name, long value) => new ProtoWriter().Str(1, name).Int(3, value).Int(20, 2);

    public static ProtoWriter Tensor(string name, int dataType, long[] dims, ReadOnlySpan<byte> raw)
    {
        var t = new ProtoWriter();
        foreach (var d in dims) t.Int(1, d);
        return t.Int(2, dataType).Str(8, name).Bytes(9, raw);
    }

    public static ProtoWriter FloatTensor(string name, float[] values)
    {
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        return Tensor(name, Float, [values.Length], raw);
    }

    public static ProtoWriter Int64Scalar(string name, long value)
    {
        var raw = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(raw, value);
        return Tensor(name, Int64, [], raw);
    }

    /// <summary>A tensor value info; a dimension is a number or a symbolic name.</summary>
    public static ProtoWriter Value(string name, int elemType, params object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var d in dims)
            shape.Msg(1, d is string s ? new ProtoWriter().Str(2, s) : new ProtoWriter().Int(1, Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture)));
        var tensorType = new ProtoWriter().Int(1, elemType).Msg(2, shape);
        return new ProtoWriter().Str(1, name).Msg(2, new ProtoWriter().Msg(1, tensorType));
    }

    public static byte[] Model(string graphName, IEnumerable<ProtoWriter> nodes, IEnumerable<ProtoWriter> initializers,
        IEnumerable<ProtoWriter> inputs, IEnumerable<ProtoWriter> outputs, int opset = 21)
    {
        var g = new ProtoWriter();
        foreach (var n in nodes) g.Msg(1, n);
        g.Str(2, graphName);
        foreach (var i in initializers) g.Msg(5, i);
        foreach (var i in inputs) g.Msg(11, i);
        foreach (var o in outputs) g.Msg(12, o);
        return new ProtoWriter()
            .Int(1, 10) // ir_version
            .Str(2, "InferenceEconomics")
            .Msg(7, g)
            .Msg(8, new ProtoWriter().Str(1, "").Int(2, opset))
            .ToArray();
    }
}

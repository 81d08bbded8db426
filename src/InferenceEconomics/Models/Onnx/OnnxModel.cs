namespace InferenceEconomics.Models.Onnx;

/// <summary>TensorProto.DataType numbers from the public ONNX IR.</summary>
public enum OnnxDataType
{
    Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7,
    String = 8, Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, BFloat16 = 16,
}

internal static class OnnxDataTypes
{
    /// <summary>Bytes per element; 0 for types without a fixed size (string).</summary>
    public static int Size(OnnxDataType t) => t switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => 1,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 2,
        OnnxDataType.Int64 or OnnxDataType.Double or OnnxDataType.UInt64 => 8,
        _ => 0,
    };
}

/// <summary>A small tensor held inline (a Constant node's value attribute): little-endian raw bytes.</summary>
public sealed record OnnxTensorValue(OnnxDataType DataType, IReadOnlyList<long> Dims, byte[] RawData)
{
    public static OnnxTensorValue Int64(long[] dims, params long[] values)
    {
        var raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        return new OnnxTensorValue(OnnxDataType.Int64, dims, raw);
    }

    public long[] AsInt64() => Enumerable.Range(0, RawData.Length / 8)
        .Select(i => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(RawData.AsSpan(i * 8))).ToArray();
}

/// <summary>One attribute of a node. Value is long, float, string, long[], float[] or <see cref="OnnxTensorValue"/>.</summary>
public sealed record OnnxAttribute(string Name, object Value)
{
    public long Int => Value is long l ? l : throw new InvalidOperationException($"attribute {Name} is not an int");
    public float Float => Value is float f ? f : throw new InvalidOperationException($"attribute {Name} is not a float");
    public string Str => Value is string s ? s : throw new InvalidOperationException($"attribute {Name} is not a string");
    public OnnxTensorValue Tensor => Value as OnnxTensorValue ?? throw new InvalidOperationException($"attribute {Name} is not a tensor");
}

public sealed record OnnxNode(
    string OpType,
    string Name,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    string Domain = "",
    IReadOnlyList<OnnxAttribute>? Attributes = null)
{
    public IReadOnlyList<OnnxAttribute> Attrs => Attributes ?? [];
    public OnnxAttribute? Attribute(string name) => Attrs.FirstOrDefault(a => a.Name == name);
}

/// <summary>A tensor dimension: a fixed size or a symbolic name (dim_param).</summary>
public readonly record struct OnnxDim(long? Value, string? Param)
{
    public static implicit operator OnnxDim(long value) => new(value, null);
    public static implicit operator OnnxDim(int value) => new(value, null);
    public static implicit operator OnnxDim(string param) => new(null, param);
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>A graph input or output: name, element type and shape.</summary>
public sealed record OnnxValueInfo(string Name, OnnxDataType ElemType, IReadOnlyList<OnnxDim> Dims);

/// <summary>
/// An initializer. Synthetic models keep every one in the external data file (Location, Offset, Length);
/// a model read from disk may instead carry inline bytes (InlineBytes = their count).
/// </summary>
public sealed record OnnxInitializer(
    string Name,
    OnnxDataType DataType,
    IReadOnlyList<long> Dims,
    string? Location = null,
    long Offset = 0,
    long Length = 0,
    long InlineBytes = 0)
{
    public bool IsExternal => Location is not null;
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);
    /// <summary>Bytes the tensor's values take (for 4-bit packed tensors the uint8 count).</summary>
    public long ByteSize => ElementCount * OnnxDataTypes.Size(DataType);
}

public sealed record OnnxModel
{
    public long IrVersion { get; init; } = 10;
    /// <summary>Operator sets by domain ("" = ai.onnx).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; init; } = new Dictionary<string, long>();
    public string ProducerName { get; init; } = "";
    public string ProducerVersion { get; init; } = "";
    public string GraphName { get; init; } = "";
    public IReadOnlyList<OnnxNode> Nodes { get; init; } = [];
    public IReadOnlyList<OnnxValueInfo> Inputs { get; init; } = [];
    public IReadOnlyList<OnnxValueInfo> Outputs { get; init; } = [];
    public IReadOnlyList<OnnxInitializer> Initializers { get; init; } = [];
}

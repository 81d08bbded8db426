using System.Buffers.Binary;
using System.Text;

namespace InferenceEconomics.Models.Onnx;

/// <summary>
/// Protocol-buffers wire format, written by hand (varint, fixed32, length-delimited).
/// Nested messages are built in their own writer and embedded as bytes: the ONNX graph
/// without weights is small, so this simplicity costs nothing.
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0, WireFixed32 = 5, WireLength = 2;
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    public ProtoWriter Int(int field, long value)
    {
        Tag(field, WireVarint);
        Varint(unchecked((ulong)value));
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, WireFixed32);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _buffer.Write(b);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLength);
        Varint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    /// <summary>Repeated int64 in packed form (accepted for every repeated scalar by proto2 and proto3 readers).</summary>
    public ProtoWriter PackedInts(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (var v in values) inner.Varint(unchecked((ulong)v));
        return Bytes(field, inner.ToArray());
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong v)
    {
        while (v >= 0x80) { _buffer.WriteByte((byte)(v | 0x80)); v >>= 7; }
        _buffer.WriteByte((byte)v);
    }
}

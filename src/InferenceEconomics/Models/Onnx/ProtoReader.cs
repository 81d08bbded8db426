using System.Buffers.Binary;
using System.Text;

namespace InferenceEconomics.Models.Onnx;

/// <summary>Thrown when bytes are not valid protobuf (truncated, garbled).</summary>
internal sealed class ProtoFormatException(string message) : Exception(message);

/// <summary>
/// Reads protobuf wire format field by field over a byte array. Every length is checked against
/// the bytes left, so a truncated or garbled file fails with <see cref="ProtoFormatException"/>
/// instead of reading past the end.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public ProtoReader(ReadOnlySpan<byte> data) { _data = data; _pos = 0; }

    public int Field { get; private set; }
    public int WireType { get; private set; }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (_pos >= _data.Length) return false;
        ulong tag = Varint();
        Field = (int)(tag >> 3);
        WireType = (int)(tag & 7);
        if (Field == 0) throw new ProtoFormatException("field number 0");
        return true;
    }

    public long Int64() => WireType == 0 ? unchecked((long)Varint()) : throw Wrong("varint");

    public float Float()
    {
        if (WireType != 5) throw Wrong("fixed32");
        return BinaryPrimitives.ReadSingleLittleEndian(Take(4));
    }

    public ReadOnlySpan<byte> Bytes()
    {
        if (WireType != 2) throw Wrong("length-delimited");
        ulong len = Varint();
        if (len > (ulong)(_data.Length - _pos)) throw new ProtoFormatException($"length {len} runs past the end of the data");
        return Take((int)len);
    }

    public string String() => Encoding.UTF8.GetString(Bytes());

    /// <summary>A repeated int64: accepts both packed and unpacked encodings.</summary>
    public void Int64s(List<long> into)
    {
        if (WireType == 0) { into.Add(Int64()); return; }
        var inner = new ProtoReader(Bytes());
        while (inner._pos < inner._data.Length) into.Add(unchecked((long)inner.Varint()));
    }

    /// <summary>A repeated float: accepts both packed and unpacked encodings.</summary>
    public void Floats(List<float> into)
    {
        if (WireType == 5) { into.Add(Float()); return; }
        var b = Bytes();
        if (b.Length % 4 != 0) throw new ProtoFormatException("packed floats of odd length");
        for (int i = 0; i < b.Length; i += 4) into.Add(BinaryPrimitives.ReadSingleLittleEndian(b[i..]));
    }

    public void Skip()
    {
        switch (WireType)
        {
            case 0: Varint(); break;
            case 1: Take(8); break;
            case 2: Bytes(); break;
            case 5: Take(4); break;
            default: throw new ProtoFormatException($"unsupported wire type {WireType}");
        }
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > _data.Length - _pos) throw new ProtoFormatException("unexpected end of data");
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }

    private ulong Varint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw new ProtoFormatException("unexpected end of data in a varint");
            byte b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new ProtoFormatException("varint longer than 10 bytes");
    }

    private ProtoFormatException Wrong(string expected) => new($"field {Field} has wire type {WireType}, expected {expected}");
}

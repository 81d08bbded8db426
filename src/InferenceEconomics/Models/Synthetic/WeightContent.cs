using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace InferenceEconomics.Models.Synthetic;

/// <summary>What an initializer holds; each kind fills its bytes chunk by chunk, straight into the write buffer.</summary>
internal abstract record WeightContent
{
    /// <summary>Writes elements [start, start + count) of the tensor into <paramref name="dest"/> (count * element size bytes).</summary>
    public abstract void Fill(Span<byte> dest, long start, int count, ref SplitMix64 rng);
}

/// <summary>Uniform random values in [center - amplitude, center + amplitude), fp32 or fp16.</summary>
internal sealed record UniformWeights(float Amplitude, bool Half, float Center = 0) : WeightContent
{
    public override void Fill(Span<byte> dest, long start, int count, ref SplitMix64 rng)
    {
        if (!Half) { rng.FillUniform(MemoryMarshal.Cast<byte, float>(dest)[..count], Amplitude, Center); return; }
        // fp16: generate fp32 in a scratch buffer, convert with the vectorized primitive.
        var scratch = System.Buffers.ArrayPool<float>.Shared.Rent(count);
        try
        {
            rng.FillUniform(scratch.AsSpan(0, count), Amplitude, Center);
            TensorPrimitives.ConvertToHalf(scratch.AsSpan(0, count), MemoryMarshal.Cast<byte, Half>(dest)[..count]);
        }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(scratch); }
    }
}

/// <summary>One value everywhere (norm weights), fp32 or fp16.</summary>
internal sealed record ConstantWeights(float Value, bool Half) : WeightContent
{
    public override void Fill(Span<byte> dest, long start, int count, ref SplitMix64 rng)
    {
        if (Half) MemoryMarshal.Cast<byte, Half>(dest)[..count].Fill((Half)Value);
        else MemoryMarshal.Cast<byte, float>(dest)[..count].Fill(Value);
    }
}

/// <summary>
/// Packed 4-bit weights with mean zero: random nibbles, a 0 turned into 8 so that q - 8 takes -7..7
/// (0 twice as often). Plain random nibbles would give q - 8 a mean of -0.5: every output would share
/// a bias along the sum of its inputs, and greedy decoding would pick the same token over and over.
/// </summary>
internal sealed record RandomNibbles : WeightContent
{
    public override void Fill(Span<byte> dest, long start, int count, ref SplitMix64 rng)
    {
        var bytes = dest[..count];
        rng.FillBytes(bytes);
        var low = new Vector<byte>(0x0F);
        var high = new Vector<byte>(0xF0);
        var lowEight = new Vector<byte>(0x08);
        var highEight = new Vector<byte>(0x80);
        var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(bytes);
        for (int i = 0; i < vectors.Length; i++)
        {
            var v = vectors[i];
            vectors[i] = v | (Vector.Equals(v & low, Vector<byte>.Zero) & lowEight) | (Vector.Equals(v & high, Vector<byte>.Zero) & highEight);
        }
        for (int i = vectors.Length * Vector<byte>.Count; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            if ((b & 0x0F) == 0) b |= 0x08;
            if ((b & 0xF0) == 0) b |= 0x80;
            bytes[i] = b;
        }
    }
}

/// <summary>The rotary cos or sin cache [context, half]: cos/sin(pos * theta^(-2i/head)).</summary>
internal sealed record RotaryCache(int HeadSize, double Theta, bool Sin, bool Half) : WeightContent
{
    public override void Fill(Span<byte> dest, long start, int count, ref SplitMix64 rng)
    {
        int half = HeadSize / 2;
        var invFreq = new double[half];
        for (int i = 0; i < half; i++) invFreq[i] = Math.Pow(Theta, -2.0 * i / HeadSize);
        for (int j = 0; j < count; j++)
        {
            long e = start + j;
            double angle = (e / half) * invFreq[(int)(e % half)];
            float v = (float)(Sin ? Math.Sin(angle) : Math.Cos(angle));
            if (Half) MemoryMarshal.Cast<byte, Half>(dest)[j] = (Half)v;
            else MemoryMarshal.Cast<byte, float>(dest)[j] = v;
        }
    }
}

/// <summary>
/// SplitMix64: a tiny, fast, seeded generator (public-domain algorithm by S. Vigna). Good enough
/// for weights whose values only need to be finite, varied and reproducible.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A generator for one tensor, independent of every other tensor's.</summary>
    public static SplitMix64 For(int seed, int tensorIndex)
    {
        var g = new SplitMix64(((ulong)(uint)seed << 32) ^ (uint)tensorIndex ^ 0xD1B54A32D192ED03UL);
        g.Next();
        return g;
    }

    public void FillBytes(Span<byte> dest)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(dest);
        for (int i = 0; i < words.Length; i++) words[i] = Next();
        for (int i = words.Length * 8; i < dest.Length; i++) dest[i] = (byte)Next();
    }

    /// <summary>Uniform in [c - a, c + a): 23 random mantissa bits make a float in [1, 2), shifted and scaled.</summary>
    public void FillUniform(Span<float> dest, float a, float c = 0)
    {
        float k = 2 * a;
        int i = 0;
        for (; i + 1 < dest.Length; i += 2)
        {
            ulong r = Next();
            dest[i] = (BitConverter.UInt32BitsToSingle(0x3F800000u | (uint)(r >> 41)) - 1.5f) * k + c;
            dest[i + 1] = (BitConverter.UInt32BitsToSingle(0x3F800000u | ((uint)r & 0x7FFFFF)) - 1.5f) * k + c;
        }
        if (i < dest.Length) dest[i] = (BitConverter.UInt32BitsToSingle(0x3F800000u | (uint)(Next() >> 41)) - 1.5f) * k + c;
    }
}

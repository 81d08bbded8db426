using System.Runtime.InteropServices;
using InferenceEconomics.Models.Onnx;
using InferenceEconomics.Models.Synthetic;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>
/// The int4 layout the builder declares (B [N, K/32, 16], scales [N*K/32], low nibble first, w = (q-8)*scale)
/// is the one ORT's MatMulNBits computes with: the same random bytes through MatMulNBits and, dequantized by
/// hand here, through a plain MatMul give the same numbers.
/// </summary>
[Collection(OrtCollection.Name)]
public sealed class Int4PackingTests(SyntheticModelsFixture models)
{
    [Theory]
    [InlineData(64, 24, false, 1e-4)]   // exact fp32 path
    [InlineData(96, 40, true, 3e-2)]    // accuracy_level 4 (int8 activations, as the CPU builder sets): looser
    [InlineData(80, 8, false, 1e-4)]    // K not a multiple of 32: last block padded
    public void MatMulNBitsAgreesWithHandDequantizedMatMul(int k, int n, bool cpuAccuracyLevel, double tolerance)
    {
        const int rows = 3;
        var rng = new Random(k * 31 + n);
        var (bDims, scaleDims) = LlamaGraph.Int4Layout(k, n);
        int blocks = (int)bDims[1];
        var packed = new byte[n * blocks * 16];
        rng.NextBytes(packed);
        if (k % 32 != 0) // padding nibbles of the last block carry q = 8 (weight 0), as a quantizer would write
            for (int col = 0; col < n; col++)
                for (int kk = k; kk < blocks * 32; kk++) SetNibble(packed, col, blocks, kk, 8);
        var scales = Enumerable.Range(0, (int)scaleDims[0]).Select(_ => (float)(0.01 + rng.NextDouble() * 0.05)).ToArray();

        // Dequantize by hand from the ORT contrib-op documentation: W[kk, col] = (nibble - 8) * scale[col * blocks + kk/32].
        var w = new float[k * n];
        for (int col = 0; col < n; col++)
            for (int kk = 0; kk < k; kk++)
            {
                byte b = packed[(col * blocks + kk / 32) * 16 + (kk % 32) / 2];
                int q = kk % 2 == 0 ? b & 0x0F : b >> 4;
                w[kk * n + col] = (q - 8) * scales[col * blocks + kk / 32];
            }

        var dir = Path.Combine(models.Root, $"nbits-{k}-{n}-{cpuAccuracyLevel}");
        Directory.CreateDirectory(dir);
        var data = new List<byte>();
        OnnxInitializer Add(string name, OnnxDataType type, long[] dims, byte[] bytes)
        {
            var t = new OnnxInitializer(name, type, dims, "data.bin", data.Count, bytes.Length);
            data.AddRange(bytes);
            return t;
        }
        var inits = new[]
        {
            Add("B", OnnxDataType.UInt8, bDims, packed),
            Add("scales", OnnxDataType.Float, scaleDims, MemoryMarshal.AsBytes(scales.AsSpan()).ToArray()),
            Add("W", OnnxDataType.Float, [k, n], MemoryMarshal.AsBytes(w.AsSpan()).ToArray()),
        };
        File.WriteAllBytes(Path.Combine(dir, "data.bin"), data.ToArray());
        var model = new OnnxModel
        {
            Opsets = new Dictionary<string, long> { [""] = 21, ["com.microsoft"] = 1 },
            Nodes =
            [
                new OnnxNode("MatMulNBits", "q4", ["A", "B", "scales"], ["Y4"], "com.microsoft", LlamaGraph.MatMulNBitsAttributes(k, n, cpuAccuracyLevel)),
                new OnnxNode("MatMul", "ref", ["A", "W"], ["Yref"]),
            ],
            Inputs = [new OnnxValueInfo("A", OnnxDataType.Float, [rows, k])],
            Outputs = [new OnnxValueInfo("Y4", OnnxDataType.Float, [rows, n]), new OnnxValueInfo("Yref", OnnxDataType.Float, [rows, n])],
            Initializers = inits,
        };
        OnnxModelWriter.Save(model, Path.Combine(dir, "m.onnx"));

        using var session = new InferenceSession(Path.Combine(dir, "m.onnx"));
        var a = new DenseTensor<float>(Enumerable.Range(0, rows * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), [rows, k]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("A", a)]);
        var y4 = results.First(r => r.Name == "Y4").AsTensor<float>().ToArray();
        var yRef = results.First(r => r.Name == "Yref").AsTensor<float>().ToArray();

        double scale = yRef.Max(v => Math.Abs(v));
        Assert.True(scale > 0.01, "reference output is not trivially zero");
        for (int i = 0; i < yRef.Length; i++)
            Assert.True(Math.Abs(y4[i] - yRef[i]) <= tolerance * scale, $"element {i}: MatMulNBits {y4[i]} vs dequantized MatMul {yRef[i]}");

        // The opposite nibble order (high first), multiplied out here, must NOT match what ORT computed:
        // this shows the comparison can fail and that the bytes pin down the order.
        var aData = a.ToArray();
        double maxSwappedDiff = 0;
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < n; col++)
            {
                double y = 0;
                for (int kk = 0; kk < k; kk++)
                {
                    byte b = packed[(col * blocks + kk / 32) * 16 + (kk % 32) / 2];
                    int qSwapped = kk % 2 == 0 ? b >> 4 : b & 0x0F;
                    y += aData[r * k + kk] * (qSwapped - 8) * scales[col * blocks + kk / 32];
                }
                maxSwappedDiff = Math.Max(maxSwappedDiff, Math.Abs(y - y4[r * n + col]));
            }
        Assert.True(maxSwappedDiff > 10 * tolerance * scale, $"swapped nibble order differs by only {maxSwappedDiff}");
    }

    private static void SetNibble(byte[] packed, int col, int blocks, int kk, int q)
    {
        int idx = (col * blocks + kk / 32) * 16 + (kk % 32) / 2;
        packed[idx] = kk % 2 == 0 ? (byte)((packed[idx] & 0xF0) | q) : (byte)((packed[idx] & 0x0F) | (q << 4));
    }
}

using System.Diagnostics;
using InferenceEconomics.Common;
using InferenceEconomics.Models.Onnx;

namespace InferenceEconomics.Models.Synthetic;

/// <summary>What one build wrote.</summary>
public sealed record SyntheticBuildResult(string Directory, long TotalBytes, long ParameterCount, TimeSpan Elapsed);

/// <summary>
/// Writes a synthetic model in onnxruntime-genai's builder format: model.onnx (graph only),
/// model.onnx.data (every initializer, seeded random weights), genai_config.json, synthetic.json and, last,
/// the marker that makes the folder this tool's (<see cref="SyntheticIntegrity"/>).
/// Weights stream straight from the generator into large sequential writes (disk speed).
/// </summary>
public static class SyntheticModelBuilder
{
    /// <summary>Bumped whenever the written files change for the same spec (invalidates the cache).</summary>
    public const int FormatVersion = 3;
    public const string OnnxFileName = "model.onnx";
    public const string DataFileName = "model.onnx.data";

    /// <summary>Every file a build writes besides the marker (<see cref="SyntheticIntegrity.MarkerFileName"/>).</summary>
    public static readonly IReadOnlyList<string> WrittenFiles = [OnnxFileName, DataFileName, GenAiConfig.FileName, SyntheticFiles.ManifestFileName];

    private const int WriteBufferBytes = 8 << 20;
    private const int ChunkBytes = 4 << 20;
    // Large tensors start on 64 KiB boundaries (as onnx's external-data writer aligns them) so ORT can map them.
    private const long LargeTensorBytes = 1 << 20, LargeAlign = 64 << 10, SmallAlign = 64;

    public static SyntheticBuildResult Build(SyntheticSpec spec, string outDir, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        spec.Validate();
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir); // before the data file is opened (see ort-genai.md §8)
        var graph = new LlamaGraph(spec);

        // Layout first: offsets and the total, so progress is a true fraction of the bytes.
        var inits = new List<OnnxInitializer>(graph.Tensors.Count);
        long offset = 0;
        foreach (var t in graph.Tensors)
        {
            long align = t.ByteSize >= LargeTensorBytes ? LargeAlign : SmallAlign;
            offset = (offset + align - 1) / align * align;
            inits.Add(new OnnxInitializer(t.Name, t.DataType, t.Dims, DataFileName, offset, t.ByteSize));
            offset += t.ByteSize;
        }
        long total = offset;

        WriteData(spec, graph.Tensors, inits, Path.Combine(outDir, DataFileName), total, progress, ct);

        var model = new OnnxModel
        {
            IrVersion = 10,
            Opsets = new Dictionary<string, long> { [""] = 21, ["com.microsoft"] = 1 },
            ProducerName = "InferenceEconomics synthetic builder",
            ProducerVersion = ToolVersion.Version,
            GraphName = "main_graph",
            Nodes = graph.Nodes,
            Inputs = graph.Inputs,
            Outputs = graph.Outputs,
            Initializers = inits,
        };
        var onnxBytes = OnnxModelWriter.Serialize(model);
        File.WriteAllBytes(Path.Combine(outDir, OnnxFileName), onnxBytes);
        SyntheticFiles.WriteGenAiConfig(spec, outDir);
        SyntheticFiles.WriteManifest(spec, outDir);
        // Last: the marker says the folder is this tool's and records what each file must be.
        SyntheticIntegrity.WriteMarker(outDir, WrittenFiles, DataFileName);
        progress?.Report(1.0);
        return new SyntheticBuildResult(outDir, total + onnxBytes.Length, spec.Shape.ParameterCount, clock.Elapsed);
    }

    private static void WriteData(SyntheticSpec spec, IReadOnlyList<PlannedTensor> tensors, IReadOnlyList<OnnxInitializer> layout,
        string path, long total, IProgress<double>? progress, CancellationToken ct)
    {
        // Preallocation reserves the space up front: a full disk fails now, not at 90%.
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0,
            Options = FileOptions.SequentialScan, PreallocationSize = total,
        });
        var buffer = new byte[WriteBufferBytes];
        int used = 0;
        long written = 0, reported = -1;
        void Flush()
        {
            file.Write(buffer, 0, used);
            written += used;
            used = 0;
            long permille = total == 0 ? 1000 : written * 1000 / total;
            if (permille != reported) { reported = permille; progress?.Report(Math.Min(0.999, permille / 1000.0)); }
        }

        long pos = 0;
        for (int ti = 0; ti < tensors.Count; ti++)
        {
            ct.ThrowIfCancellationRequested();
            var t = tensors[ti];
            long pad = layout[ti].Offset - pos;
            while (pad > 0)
            {
                if (used == buffer.Length) Flush();
                int n = (int)Math.Min(pad, buffer.Length - used);
                buffer.AsSpan(used, n).Clear();
                used += n; pad -= n;
            }
            int elemSize = OnnxDataTypes.Size(t.DataType);
            int chunkElems = ChunkBytes / elemSize;
            var rng = SplitMix64.For(spec.Seed, ti);
            for (long start = 0; start < t.ElementCount; start += chunkElems)
            {
                int count = (int)Math.Min(chunkElems, t.ElementCount - start);
                if (buffer.Length - used < count * elemSize) { Flush(); ct.ThrowIfCancellationRequested(); }
                t.Content.Fill(buffer.AsSpan(used, count * elemSize), start, count, ref rng);
                used += count * elemSize;
            }
            pos = layout[ti].Offset + t.ByteSize;
        }
        Flush();
    }
}

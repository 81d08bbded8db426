using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceEconomics.Engines.Ort;

/// <summary>
/// Decode with CUDA graphs (--cuda-graph): ORT captures a decode step once and replays it, which needs every
/// input and output of the step at a fixed device address with a fixed shape. So per (batch, P+G): shared KV
/// buffers, a static [B, P+G] attention mask (the graph derives seqlens_k from its sum, as GenAI's static mask
/// does), and fixed ids/logits buffers. The selector session writes the next ids and the next mask straight into
/// those device buffers and copies the B ids to the host. The prompt pass runs uncaptured (gpu_graph_id -1).
/// Not run on a GPU in the session that wrote it: see docs/gpu.md.
/// </summary>
internal sealed class CudaGraphDecoder : IDisposable
{
    private readonly OrtEngine _engine;
    private readonly InferenceSession _selector;
    private readonly Dictionary<(int Batch, int Total), GraphBuffers> _buffers = [];

    public CudaGraphDecoder(OrtEngine engine, SessionOptions options, TensorElementType logitsType)
    {
        _engine = engine;
        _selector = new InferenceSession(DeviceGreedySelector.BuildGraph(engine.Config.VocabSize, engine.Config.EosTokenIds, logitsType, withDeviceCopies: true), options);
    }

    public RepetitionTimestamps Run(GenerationRequest request, CancellationToken cancel)
    {
        var cfg = _engine.Config;
        int batch = request.BatchSize, prompt = request.PromptTokens, gen = request.GenTokens, total = prompt + gen;
        if (!_buffers.TryGetValue((batch, total), out var buf))
            _buffers[(batch, total)] = buf = new GraphBuffers(_engine, _selector, batch, total, graphId: _buffers.Count);

        var promptIds = GC.AllocateUninitializedArray<long>(batch * prompt, pinned: true);
        for (int i = 0; i < promptIds.Length; i++) promptIds[i] = request.PromptIds[i];
        var promptMask = GC.AllocateArray<long>(batch * prompt, pinned: true);
        Array.Fill(promptMask, 1L);
        var stepMask = GC.AllocateArray<long>(batch * total, pinned: true);
        var ids = GC.AllocateArray<long>(batch, pinned: true);
        var generated = request.CaptureTokens ? Enumerable.Range(0, batch).Select(_ => new int[gen]).ToArray() : null;
        var stepEnds = new long[gen - 1];

        using var idsValue = OrtValue.CreateTensorValueFromMemory(promptIds, [batch, prompt]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(promptMask, [batch, prompt]);
        using var stepMaskValue = OrtValue.CreateTensorValueFromMemory(stepMask, [batch, total]);
        using var hostIds = OrtValue.CreateTensorValueFromMemory(ids, [batch, 1]);
        using var prefill = _engine.Session.CreateIoBinding();
        using var uncaptured = new RunOptions();
        uncaptured.AddRunConfigEntry("gpu_graph_id", "-1");
        prefill.BindInput(cfg.InputIdsName, idsValue);
        prefill.BindInput(cfg.AttentionMaskName, maskValue);
        for (int i = 0; i < buf.Kv.Length; i++)
        {
            prefill.BindInput(_engine.PastNames[i], buf.Kv[i]);
            prefill.BindOutput(_engine.PresentNames[i], buf.Kv[i]);
        }
        prefill.BindOutputToDevice(cfg.LogitsName, _engine.DeviceMemory);
        buf.Selector.BindInput("mask_in", stepMaskValue);
        buf.Selector.BindOutput("ids", hostIds);

        long prefillStart = Stopwatch.GetTimestamp();
        _engine.Session.RunWithBinding(uncaptured, prefill);
        prefill.SynchronizeBoundOutputs();
        long prefillEnd = Stopwatch.GetTimestamp();
        using (var outputs = prefill.GetOutputValues())
            Select(buf, outputs.Last(), stepMask, batch, total, prompt + 1, ids, generated, 0);
        long firstTokenEnd = Stopwatch.GetTimestamp();

        for (int step = 1; step < gen; step++)
        {
            cancel.ThrowIfCancellationRequested();
            _engine.Session.RunWithBinding(buf.DecodeRunOptions, buf.Decode);
            Select(buf, buf.Logits, stepMask, batch, total, prompt + step + 1, ids, generated, step);
            stepEnds[step - 1] = Stopwatch.GetTimestamp();
        }
        return new RepetitionTimestamps
        {
            PrefillStart = prefillStart,
            PrefillEnd = prefillEnd,
            FirstTokenEnd = firstTokenEnd,
            StepEnds = stepEnds,
            GeneratedIds = generated,
        };
    }

    /// <summary>Next ids to host and device, and the mask of the next step (ones over the first <paramref name="length"/> positions).</summary>
    private void Select(GraphBuffers buf, OrtValue logits, long[] mask, int batch, int total, int length, long[] ids, int[][]? generated, int position)
    {
        for (int s = 0; s < batch; s++) mask.AsSpan(s * total, Math.Min(length, total)).Fill(1L);
        buf.Selector.BindInput("logits", logits);
        _selector.RunWithBinding(buf.SelectorRunOptions, buf.Selector);
        buf.Selector.SynchronizeBoundOutputs();
        if (generated is not null)
            for (int s = 0; s < batch; s++) generated[s][position] = checked((int)ids[s]);
    }

    public void Dispose()
    {
        foreach (var b in _buffers.Values) b.Dispose();
        _buffers.Clear();
        _selector.Dispose();
    }

    /// <summary>Fixed device buffers and bindings of one (batch, total length) graph.</summary>
    private sealed class GraphBuffers : IDisposable
    {
        public OrtValue[] Kv { get; }
        public OrtValue Ids { get; }
        public OrtValue Mask { get; }
        public OrtValue Logits { get; }
        public OrtIoBinding Decode { get; }
        public OrtIoBinding Selector { get; }
        public RunOptions DecodeRunOptions { get; } = new();
        public RunOptions SelectorRunOptions { get; } = new();

        public GraphBuffers(OrtEngine engine, InferenceSession selector, int batch, int total, int graphId)
        {
            var cfg = engine.Config;
            var alloc = engine.DeviceAllocator;
            Kv = engine.PastNames.Select(_ => OrtValue.CreateAllocatedTensorValue(alloc, engine.KvType,
                [batch, cfg.NumKeyValueHeads, total, cfg.HeadSize])).ToArray();
            Ids = OrtValue.CreateAllocatedTensorValue(alloc, TensorElementType.Int64, [batch, 1]);
            Mask = OrtValue.CreateAllocatedTensorValue(alloc, TensorElementType.Int64, [batch, total]);
            var logitsType = engine.Session.OutputMetadata[cfg.LogitsName].ElementDataType;
            Logits = OrtValue.CreateAllocatedTensorValue(alloc, logitsType, [batch, 1, cfg.VocabSize]);
            DecodeRunOptions.AddRunConfigEntry("gpu_graph_id", (graphId + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            SelectorRunOptions.AddRunConfigEntry("gpu_graph_id", "-1");

            Decode = engine.Session.CreateIoBinding();
            Decode.BindInput(cfg.InputIdsName, Ids);
            Decode.BindInput(cfg.AttentionMaskName, Mask);
            for (int i = 0; i < Kv.Length; i++)
            {
                Decode.BindInput(engine.PastNames[i], Kv[i]);
                Decode.BindOutput(engine.PresentNames[i], Kv[i]);
            }
            Decode.BindOutput(cfg.LogitsName, Logits);

            Selector = selector.CreateIoBinding();
            Selector.BindOutput("ids_device", Ids);
            Selector.BindOutput("mask_out", Mask);
        }

        public void Dispose()
        {
            Decode.Dispose();
            Selector.Dispose();
            DecodeRunOptions.Dispose();
            SelectorRunOptions.Dispose();
            foreach (var v in Kv) v.Dispose();
            Ids.Dispose();
            Mask.Dispose();
            Logits.Dispose();
        }
    }
}

using System.Diagnostics;
using InferenceEconomics.Models;
using InferenceEconomics.Results;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceEconomics.Engines.Ort;

/// <summary>
/// Plain ONNX Runtime engine with the project's own prefill/decode loop over a builder-format model
/// (genai_config.json + model.onnx), on the CPU or the CUDA execution provider.
/// The KV cache never leaves the device between steps (IOBinding: present outputs are bound again as the
/// next past inputs, or one shared buffer per layer for GroupQueryAttention models with
/// past_present_share_buffer); only the chosen ids (CUDA) or the logits already in host memory (CPU) are read.
/// </summary>
internal sealed class OrtEngine : IInferenceEngine, IConversationEngine
{
    private readonly GenAiConfig _config;
    private readonly Device _device;
    private readonly SessionOptions _sessionOptions;
    private readonly SessionOptions _selectorOptions; // same EP, never CUDA graphs
    private readonly InferenceSession _session;
    private readonly OrtMemoryInfo _deviceMemory;
    private readonly OrtAllocator _deviceAllocator;
    private readonly TensorElementType _kvType, _logitsType;
    private readonly OrtAllocator _logitsAllocator; // where logits live: device memory, or host for the host argmax
    private readonly OrtMemoryInfo _logitsMemory;
    private readonly bool _hasPositionIds;
    private readonly ITokenSelector _selector;
    private readonly string[] _pastNames, _presentNames; // per layer: key then value
    private readonly CudaGraphDecoder? _graphDecoder;

    public EngineInfo Info { get; }

    /// <summary>True when past and present share one [B, kv_heads, P+G, head_size] buffer per layer.</summary>
    internal bool SharesKvBuffer { get; }

    public OrtEngine(ResolvedModel model, EngineOptions options) : this(model, options, deviceSelector: null) { }

    /// <param name="deviceSelector">Force the ONNX-graph token selector (true) or the host one (false); null picks by device.</param>
    /// <param name="fixedBufferDecode">Run the --cuda-graph decoder (fixed buffers, static mask) without CUDA graphs,
    /// e.g. on the CPU EP, so that its loop can be checked against GenAI where no GPU is.</param>
    internal OrtEngine(ResolvedModel model, EngineOptions options, bool? deviceSelector, bool fixedBufferDecode = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        _config = model.Config;
        _device = OrtEngineSupport.Check(options.Device, CudaLibraries.TryLoad);
        if (options.CudaGraph && !_device.IsCuda)
            throw new ValidationException([new(nameof(RunSettings.CudaGraph), null, "captures CUDA graphs, so it needs a CUDA device", "drop it for the CPU")]);

        var modelPath = Path.Combine(model.Directory, _config.Filename);
        if (!File.Exists(modelPath))
            throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid, $"'{modelPath}' named by genai_config.json does not exist; regenerate the model folder");

        _sessionOptions = CreateSessionOptions(_device, options, options.CudaGraph);
        _selectorOptions = CreateSessionOptions(_device, options with { IntraOpThreads = 1 }, cudaGraph: false);
        try
        {
            _session = new InferenceSession(modelPath, _sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            _sessionOptions.Dispose();
            _selectorOptions.Dispose();
            throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid, $"ONNX Runtime cannot load '{modelPath}': {FirstLine(e.Message)}; check or regenerate the model files", e);
        }

        try
        {
            int layers = _config.NumHiddenLayers;
            _pastNames = new string[2 * layers];
            _presentNames = new string[2 * layers];
            for (int l = 0; l < layers; l++)
            {
                _pastNames[2 * l] = GenAiConfig.PastKeyName(_config.PastKeyNames, l);
                _pastNames[2 * l + 1] = GenAiConfig.PastKeyName(_config.PastValueNames, l);
                _presentNames[2 * l] = GenAiConfig.PastKeyName(_config.PresentKeyNames, l);
                _presentNames[2 * l + 1] = GenAiConfig.PastKeyName(_config.PresentValueNames, l);
            }
            CheckGraphMatchesConfig(modelPath);
            _kvType = _session.InputMetadata[_pastNames[0]].ElementDataType;
            var logitsType = _logitsType = _session.OutputMetadata[_config.LogitsName].ElementDataType;
            _hasPositionIds = _config.PositionIdsName is not null;
            SharesKvBuffer = _config.PastPresentShareBuffer && !_hasPositionIds;

            _deviceMemory = _device.IsCuda
                ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, _device.Ordinal, OrtMemType.Default)
                : OrtMemoryInfo.DefaultInstance;
            _deviceAllocator = _device.IsCuda ? new OrtAllocator(_session, _deviceMemory) : OrtAllocator.DefaultInstance;

            bool useDeviceSelector = deviceSelector ?? _device.IsCuda;
            _logitsAllocator = useDeviceSelector ? _deviceAllocator : OrtAllocator.DefaultInstance;
            _logitsMemory = useDeviceSelector ? _deviceMemory : OrtMemoryInfo.DefaultInstance;
            _selector = useDeviceSelector && !options.CudaGraph
                ? new DeviceGreedySelector(_selectorOptions, _config.VocabSize, _config.EosTokenIds, logitsType)
                : new HostGreedySelector(_config.VocabSize, _config.EosTokenIds);

            if (options.CudaGraph || fixedBufferDecode)
            {
                if (!SharesKvBuffer)
                    throw new InferenceEconomicsException(ErrorKind.Usage,
                        "--cuda-graph needs a GroupQueryAttention model with past_present_share_buffer (fixed KV buffers); this model feeds position_ids or grows its cache: drop --cuda-graph");
                _graphDecoder = new CudaGraphDecoder(this, _selectorOptions, logitsType);
            }
        }
        catch
        {
            _session.Dispose();
            _sessionOptions.Dispose();
            _selectorOptions.Dispose();
            throw;
        }

        Info = new EngineInfo(EngineKind.Ort, OrtEngineSupport.OrtVersion, OrtEngineSupport.ExecutionProvider(_device), _device) { IntraOpThreads = options.EffectiveIntraOpThreads };
    }

    private static SessionOptions CreateSessionOptions(Device device, EngineOptions options, bool cudaGraph)
    {
        // ORT writes its log straight to stderr: fatal only unless --verbose (NativeLogging).
        NativeLogging.ApplyToEnvironment(options.NativeLogs);
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogId = "ie-ort",
            LogSeverityLevel = NativeLogging.Level(options.NativeLogs),
        };
        so.IntraOpNumThreads = options.EffectiveIntraOpThreads;
        if (device.IsCuda)
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = device.Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["enable_cuda_graph"] = cudaGraph ? "1" : "0",
            });
            try { so.AppendExecutionProvider_CUDA(cuda); }
            catch (OnnxRuntimeException e)
            {
                so.Dispose();
                throw new InferenceEconomicsException(ErrorKind.DeviceUnavailable, $"CUDA cannot be used: ONNX Runtime could not start its CUDA EP on {device}: {FirstLine(e.Message)}", e);
            }
        }
        return so;
    }

    private void CheckGraphMatchesConfig(string modelPath)
    {
        var required = new List<string> { _config.InputIdsName, _config.AttentionMaskName };
        if (_config.PositionIdsName is { } pos) required.Add(pos);
        required.AddRange(_pastNames);
        foreach (var name in required)
            if (!_session.InputMetadata.ContainsKey(name))
                throw new InferenceEconomicsException(ErrorKind.ModelConfigInvalid, $"'{modelPath}' has no input '{name}' that genai_config.json names; the config and the graph disagree");
        foreach (var name in _presentNames.Append(_config.LogitsName))
            if (!_session.OutputMetadata.ContainsKey(name))
                throw new InferenceEconomicsException(ErrorKind.ModelConfigInvalid, $"'{modelPath}' has no output '{name}' that genai_config.json names; the config and the graph disagree");
        var extra = _session.InputMetadata.Keys.Except(required).ToList();
        if (extra.Count > 0)
            throw new InferenceEconomicsException(ErrorKind.ModelConfigInvalid, $"'{modelPath}' has inputs genai_config.json does not name ({string.Join(", ", extra)}); the OrtEngine feeds only ids, mask, position ids and the KV cache");
        foreach (var name in required.Take(_config.PositionIdsName is null ? 2 : 3))
            if (_session.InputMetadata[name].ElementDataType != TensorElementType.Int64)
                throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid, $"'{modelPath}' input '{name}' is {_session.InputMetadata[name].ElementDataType}, the OrtEngine feeds int64 as the CPU and CUDA builder models do");
    }

    public RepetitionTimestamps Run(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        int b = request.BatchSize, p = request.PromptTokens, g = request.GenTokens;
        if (b < 1 || p < 1 || g < 1) throw new ArgumentException($"batch {b}, prompt {p}, gen {g}: each must be at least 1", nameof(request));
        if (request.PromptIds.Length != b * p) throw new ArgumentException($"PromptIds holds {request.PromptIds.Length} ids, batch x prompt is {b * p}", nameof(request));
        if (p + g > _config.ContextLength)
            throw new ScenarioFailedException($"prompt {p} + generated {g} = {p + g} tokens exceeds the model's context length {_config.ContextLength}");
        try
        {
            return _graphDecoder is not null ? _graphDecoder.Run(request, cancellationToken) : RunLoop(request, cancellationToken);
        }
        catch (OnnxRuntimeException e) when (IsOutOfMemory(e))
        {
            throw new ScenarioFailedException($"out of memory at batch {b}, {p + g} tokens on {_device}: {FirstLine(e.Message)}", e);
        }
        catch (OnnxRuntimeException e)
        {
            // Recorded as this scenario's failure; the sweep goes on with the next one.
            throw new ScenarioFailedException($"ONNX Runtime failed at batch {b}, {p}+{g} tokens on {_device}: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>The plain loop: a growing mask, one model run per step, KV cache moved by binding.</summary>
    private RepetitionTimestamps RunLoop(GenerationRequest request, CancellationToken cancel)
    {
        int batch = request.BatchSize, prompt = request.PromptTokens, gen = request.GenTokens, total = prompt + gen;
        // Pinned arrays: the binding keeps pointing at host inputs between runs.
        var promptIds = GC.AllocateUninitializedArray<long>(batch * prompt, pinned: true);
        for (int i = 0; i < promptIds.Length; i++) promptIds[i] = request.PromptIds[i];
        var ones = GC.AllocateArray<long>(batch * total, pinned: true);
        Array.Fill(ones, 1L);
        var positions = _hasPositionIds ? GC.AllocateArray<long>(batch * prompt, pinned: true) : null;
        if (positions is not null)
            for (int s = 0; s < batch; s++) for (int j = 0; j < prompt; j++) positions[s * prompt + j] = j;
        var ids = GC.AllocateArray<long>(batch, pinned: true);
        var stepPositions = GC.AllocateArray<long>(batch, pinned: true);
        var generated = request.CaptureTokens ? Enumerable.Range(0, batch).Select(_ => new int[gen]).ToArray() : null;
        var stepEnds = new long[gen - 1];

        using var binding = _session.CreateIoBinding();
        using var runOptions = new RunOptions();
        var hostValues = new List<OrtValue>();
        var runValues = new List<OrtValue>();
        try
        {
            // KV inputs of the prompt pass: empty past tensors, or the shared full-length buffers.
            long[] kvShape = SharesKvBuffer
                ? [batch, _config.NumKeyValueHeads, total, _config.HeadSize]
                : [batch, _config.NumKeyValueHeads, 0, _config.HeadSize];
            // Empty pasts hold no bytes: host tensors (a zero-byte device allocation is not worth the risk).
            var kvAllocator = SharesKvBuffer ? _deviceAllocator : OrtAllocator.DefaultInstance;
            for (int i = 0; i < _pastNames.Length; i++)
            {
                var kv = OrtValue.CreateAllocatedTensorValue(kvAllocator, _kvType, kvShape);
                runValues.Add(kv);
                binding.BindInput(_pastNames[i], kv);
                if (SharesKvBuffer) binding.BindOutput(_presentNames[i], kv);
                else binding.BindOutputToDevice(_presentNames[i], _deviceMemory);
            }
            binding.BindOutputToDevice(_config.LogitsName, _logitsMemory);
            BindHost(binding, hostValues, _config.InputIdsName, promptIds.AsMemory(), batch, prompt);
            BindHost(binding, hostValues, _config.AttentionMaskName, ones.AsMemory(0, batch * prompt), batch, prompt);
            if (positions is not null) BindHost(binding, hostValues, _config.PositionIdsName!, positions.AsMemory(), batch, prompt);

            long prefillStart = Stopwatch.GetTimestamp();
            _session.RunWithBinding(runOptions, binding);
            binding.SynchronizeBoundOutputs();
            long prefillEnd = Stopwatch.GetTimestamp();
            SelectNext(binding, decodeLogits: null, ids, generated, 0);
            long firstTokenEnd = Stopwatch.GetTimestamp();

            // Decode steps: what keeps its shape is bound once ([B,1] ids and positions read from pinned arrays,
            // the [B,1,V] logits buffer, shared KV); only the mask (one column longer each step) and, for a
            // growing cache, the presents are bound again per step.
            DisposeAll(hostValues);
            var decodeLogits = OrtValue.CreateAllocatedTensorValue(_logitsAllocator, _logitsType, [batch, 1, _config.VocabSize]);
            runValues.Add(decodeLogits);
            binding.BindOutput(_config.LogitsName, decodeLogits);
            BindHost(binding, runValues, _config.InputIdsName, ids.AsMemory(), batch, 1);
            if (_hasPositionIds) BindHost(binding, runValues, _config.PositionIdsName!, stepPositions.AsMemory(), batch, 1);
            for (int step = 1; step < gen; step++)
            {
                cancel.ThrowIfCancellationRequested();
                int length = prompt + step; // tokens in the cache after this step
                DisposeAll(hostValues);
                if (!SharesKvBuffer)
                    foreach (var present in _presentNames) binding.BindOutputToDevice(present, _deviceMemory);
                BindHost(binding, hostValues, _config.AttentionMaskName, ones.AsMemory(0, batch * length), batch, length);
                if (_hasPositionIds) Array.Fill(stepPositions, length - 1);
                _session.RunWithBinding(runOptions, binding);
                binding.SynchronizeBoundOutputs();
                SelectNext(binding, decodeLogits, ids, generated, step);
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
        finally
        {
            DisposeAll(hostValues);
            DisposeAll(runValues);
        }
    }

    /// <summary>
    /// One conversation on one sequence (batch 1) keeping its KV cache: one shared [1, kv_heads, total, head_size]
    /// buffer per layer lives across the turns; each turn runs its new ids (after the previous answer's last token,
    /// selected but not yet run) on top of the cached history with a mask as long as everything so far, then decodes
    /// the answer one token at a time. Only GroupQueryAttention models with past_present_share_buffer (no position ids), without --cuda-graph.
    /// </summary>
    public IReadOnlyList<double> RunConversation(IReadOnlyList<ConversationTurnIds> turns, Action<int, bool>? hook = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turns);
        if (!SharesKvBuffer || _graphDecoder is not null)
            throw new ScenarioFailedException("the ORT engine keeps a conversation's KV cache only for GroupQueryAttention models with a shared KV buffer and without --cuda-graph; measure with --engine genai");
        int total = turns.Sum(t => t.NewIds.Length + t.AssistantTokens);
        if (total > _config.ContextLength)
            throw new ScenarioFailedException($"the conversation reaches {total} tokens, more than the model's context length {_config.ContextLength}");
        try
        {
            return ConversationLoop(turns, total, hook, cancellationToken);
        }
        catch (OnnxRuntimeException e) when (IsOutOfMemory(e))
        {
            throw new ScenarioFailedException($"out of memory in a {total}-token conversation on {_device}: {FirstLine(e.Message)}", e);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ScenarioFailedException($"ONNX Runtime failed in the conversation on {_device}: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>Every answer token of the last <see cref="RunConversation"/>, in order (parity tests).</summary>
    internal IReadOnlyList<int> LastConversationAnswers { get; private set; } = [];

    private double[] ConversationLoop(IReadOnlyList<ConversationTurnIds> turns, int total, Action<int, bool>? hook, CancellationToken cancel)
    {
        var answers = new List<int>(total);
        var ones = GC.AllocateArray<long>(total, pinned: true);
        Array.Fill(ones, 1L);
        var ids = GC.AllocateArray<long>(1, pinned: true);
        using var binding = _session.CreateIoBinding();
        using var runOptions = new RunOptions();
        var hostValues = new List<OrtValue>();
        var runValues = new List<OrtValue>();
        try
        {
            for (int i = 0; i < _pastNames.Length; i++)
            {
                var kv = OrtValue.CreateAllocatedTensorValue(_deviceAllocator, _kvType, [1, _config.NumKeyValueHeads, total, _config.HeadSize]);
                runValues.Add(kv);
                binding.BindInput(_pastNames[i], kv);
                binding.BindOutput(_presentNames[i], kv);
            }
            var seconds = new double[turns.Count];
            int length = 0; // tokens in the cache
            long? pending = null;
            for (int t = 0; t < turns.Count; t++)
            {
                hook?.Invoke(t, true);
                var fresh = turns[t].NewIds;
                int n = fresh.Length + (pending is null ? 0 : 1);
                var input = GC.AllocateUninitializedArray<long>(n, pinned: true);
                int k = 0;
                if (pending is { } last) input[k++] = last;
                foreach (var id in fresh) input[k++] = id;
                DisposeAll(hostValues);
                BindHost(binding, hostValues, _config.InputIdsName, input.AsMemory(), 1, n);
                BindHost(binding, hostValues, _config.AttentionMaskName, ones.AsMemory(0, length + n), 1, length + n);
                binding.BindOutputToDevice(_config.LogitsName, _logitsMemory);
                long start = Stopwatch.GetTimestamp();
                _session.RunWithBinding(runOptions, binding);
                binding.SynchronizeBoundOutputs();
                long end = Stopwatch.GetTimestamp();
                seconds[t] = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
                length += n;
                SelectNext(binding, decodeLogits: null, ids, generated: null, 0); // the answer's first token
                answers.Add(checked((int)ids[0]));
                for (int step = 1; step < turns[t].AssistantTokens; step++)
                {
                    cancel.ThrowIfCancellationRequested();
                    DisposeAll(hostValues);
                    BindHost(binding, hostValues, _config.InputIdsName, ids.AsMemory(), 1, 1);
                    BindHost(binding, hostValues, _config.AttentionMaskName, ones.AsMemory(0, length + 1), 1, length + 1);
                    binding.BindOutputToDevice(_config.LogitsName, _logitsMemory);
                    _session.RunWithBinding(runOptions, binding);
                    binding.SynchronizeBoundOutputs();
                    length += 1;
                    SelectNext(binding, decodeLogits: null, ids, generated: null, 0);
                    answers.Add(checked((int)ids[0]));
                }
                pending = ids[0];
                hook?.Invoke(t, false);
            }
            LastConversationAnswers = answers;
            return seconds;
        }
        finally
        {
            DisposeAll(hostValues);
            DisposeAll(runValues);
        }
    }

    /// <summary>
    /// Chooses the next ids from this run's logits (<paramref name="decodeLogits"/> when bound to a buffer of ours,
    /// else the logits output ORT allocated); with a growing cache, binds the presents as the next pasts.
    /// </summary>
    private void SelectNext(OrtIoBinding binding, OrtValue? decodeLogits, long[] ids, int[][]? generated, int position)
    {
        if (decodeLogits is not null && SharesKvBuffer)
            _selector.Select(decodeLogits, ids); // nothing else to read back: no output values to marshal
        else
        {
            using var outputs = binding.GetOutputValues();
            var names = binding.GetOutputNames();
            for (int i = 0; i < names.Length; i++)
            {
                if (names[i] == _config.LogitsName) _selector.Select(outputs.ElementAt(i), ids);
                else if (!SharesKvBuffer && Array.IndexOf(_presentNames, names[i]) is var slot and >= 0)
                    binding.BindInput(_pastNames[slot], outputs.ElementAt(i)); // the binding keeps its own reference
            }
        }
        if (generated is not null)
            for (int s = 0; s < generated.Length; s++) generated[s][position] = checked((int)ids[s]);
    }

    private static void BindHost(OrtIoBinding binding, List<OrtValue> keep, string name, Memory<long> data, int rows, int columns)
    {
        var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data, [rows, columns]);
        keep.Add(value);
        binding.BindInput(name, value);
    }

    private static void DisposeAll(List<OrtValue> values)
    {
        foreach (var v in values) v.Dispose();
        values.Clear();
    }

    internal static bool IsOutOfMemory(OnnxRuntimeException e) =>
        e.Message.Contains("Failed to allocate memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("bad_alloc", StringComparison.OrdinalIgnoreCase);

    internal static string FirstLine(string message) => message.Split('\n')[0].Trim();

    // Shared with the CUDA graph decoder.
    internal GenAiConfig Config => _config;
    internal InferenceSession Session => _session;
    internal OrtMemoryInfo DeviceMemory => _deviceMemory;
    internal OrtAllocator DeviceAllocator => _deviceAllocator;
    internal TensorElementType KvType => _kvType;
    internal IReadOnlyList<string> PastNames => _pastNames;
    internal IReadOnlyList<string> PresentNames => _presentNames;

    public void Dispose()
    {
        _graphDecoder?.Dispose();
        _selector.Dispose();
        if (_device.IsCuda) _deviceAllocator.Dispose();
        _session.Dispose();
        _sessionOptions.Dispose();
        _selectorOptions.Dispose();
    }
}

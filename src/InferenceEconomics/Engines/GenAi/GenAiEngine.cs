using System.Diagnostics;
using InferenceEconomics.Models;
using InferenceEconomics.Results;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace InferenceEconomics.Engines.GenAi;

/// <summary>
/// ONNX Runtime GenAI engine (CPU). Timing model (ort-genai.md §4): AppendTokens runs the prefill
/// forward pass; the first GenerateNextToken only selects from the prefill logits (TTFT edge); each
/// later GenerateNextToken runs one [B,1] decode step. IsDone() after each call forces the
/// host/stream sync, as GenAI's own C benchmark does. Fixed length via min_length = max_length.
/// </summary>
internal sealed class GenAiEngine : IInferenceEngine, IConversationEngine
{
    /// <summary>GenAI's kMaxBatchSize.</summary>
    public const int MaxBatchSize = 32;

    private static readonly Lazy<OgaHandle> Handle = new(() => new OgaHandle());
    private readonly Config _config;
    private readonly Model _model;
    private readonly GenAiConfig _genAiConfig;

    public EngineInfo Info { get; }

    /// <summary>The loaded GenAI model, for the overhead benchmark's bare loop (same session on both sides).</summary>
    internal Model NativeModel => _model;

    /// <summary>
    /// GenAI reaches CUDA only through its add-on library (libonnxruntime-genai-cuda), shipped by the
    /// Microsoft.ML.OnnxRuntimeGenAI.Cuda package, which this build does not reference; a user who adds
    /// it gets the GenAI engine on CUDA.
    /// </summary>
    public static bool CudaAddOnPresent { get; } =
        new[] { "libonnxruntime-genai-cuda.so", "onnxruntime-genai-cuda.dll" }.Any(f =>
            File.Exists(Path.Combine(AppContext.BaseDirectory, f)) ||
            File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", OperatingSystem.IsWindows() ? "win-x64" : "linux-x64", "native", f)));

    public GenAiEngine(ResolvedModel model, EngineOptions options)
    {
        bool cuda = options.Device.IsCuda;
        if (cuda && !CudaAddOnPresent)
            throw new InferenceEconomicsException(ErrorKind.DeviceUnavailable,
                $"the GenAI engine here runs on CPU only: GenAI's CUDA add-on (Microsoft.ML.OnnxRuntimeGenAI.Cuda) is not installed; use --engine ort --device {options.Device}");
        NativeLogging.ApplyToEnvironment(options.NativeLogs);
        _ = Handle.Value;
        _genAiConfig = model.Config;
        int t = options.EffectiveIntraOpThreads;
        try
        {
            _config = new Config(model.Directory);
            // GenAI's sessions log through ORT straight to stderr: fatal only unless --verbose (NativeLogging).
            _config.Overlay($"{{\"model\":{{\"decoder\":{{\"session_options\":{{\"log_severity_level\":{NativeLogging.GenAiSeverity(options.NativeLogs)}}}}}}}}}");
            _config.ClearProviders();
            if (cuda)
            {
                _config.AppendProvider("cuda");
                _config.SetProviderOption("cuda", "device_id", options.Device.Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (options.CudaGraph) _config.SetProviderOption("cuda", "enable_cuda_graph", "1");
            }
            // Always set, so the threads recorded in the engine info are the ones used (the model's own config may name others).
            _config.Overlay($"{{\"model\":{{\"decoder\":{{\"session_options\":{{\"intra_op_num_threads\":{t}}}}}}}}}");
            _model = new Model(_config);
        }
        catch (OnnxRuntimeGenAIException e)
        {
            _config?.Dispose();
            throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid,
                $"ONNX Runtime GenAI could not load '{model.Directory}': {FirstLine(e.Message)}; check the model files (regenerate a synthetic model, or re-download)", e);
        }
        var device = cuda ? options.Device with { Index = options.Device.Ordinal } : Device.Cpu;
        Info = new EngineInfo(EngineKind.GenAi, Versions.GenAi, cuda ? "CUDAExecutionProvider" : "CPUExecutionProvider", device)
            { IntraOpThreads = t };
    }

    public RepetitionTimestamps Run(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        int b = request.BatchSize, p = request.PromptTokens, g = request.GenTokens;
        if (b > MaxBatchSize)
            throw new ScenarioFailedException($"batch {b} exceeds ONNX Runtime GenAI's maximum batch size {MaxBatchSize}; use --engine ort for larger batches");
        if (p + g > _genAiConfig.ContextLength)
            throw new ScenarioFailedException($"prompt {p} + generated {g} = {p + g} tokens exceeds the model's context length {_genAiConfig.ContextLength}");
        if (request.PromptIds.Length != b * p) throw new ArgumentException("PromptIds must hold B x P ids", nameof(request));

        try
        {
            using var gp = new GeneratorParams(_model);
            gp.SetSearchOption("batch_size", b);
            gp.SetSearchOption("max_length", p + g);
            gp.SetSearchOption("min_length", p + g);
            gp.SetSearchOption("do_sample", false);
            using var gen = new Generator(_model, gp);

            var steps = new long[Math.Max(0, g - 1)];
            long prefillStart = Stopwatch.GetTimestamp();
            gen.AppendTokens(request.PromptIds);
            long prefillEnd = Stopwatch.GetTimestamp();
            gen.GenerateNextToken();
            gen.IsDone();
            long firstEnd = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps.Length; i++)
            {
                gen.GenerateNextToken();
                if (gen.IsDone() && i < steps.Length - 1)
                    throw new ScenarioFailedException($"generation stopped early after {i + 2} of {g} tokens; the run is invalid (min_length not honoured)");
                steps[i] = Stopwatch.GetTimestamp();
                if ((i & 15) == 15) cancellationToken.ThrowIfCancellationRequested();
            }

            int[][]? ids = null;
            if (request.CaptureTokens)
            {
                ids = new int[b][];
                for (int s = 0; s < b; s++)
                {
                    var seq = gen.GetSequence((ulong)s);
                    if (seq.Length < p + g) throw new ScenarioFailedException($"sequence {s} has {seq.Length} tokens, expected {p + g}");
                    ids[s] = seq.Slice(seq.Length - g, g).ToArray();
                }
            }
            return new RepetitionTimestamps { PrefillStart = prefillStart, PrefillEnd = prefillEnd, FirstTokenEnd = firstEnd, StepEnds = steps, GeneratedIds = ids };
        }
        catch (OnnxRuntimeGenAIException e) when (IsOutOfMemory(e.Message))
        {
            throw new ScenarioFailedException($"out of memory at batch {b}, {p}+{g} tokens: {FirstLine(e.Message)}", e);
        }
        catch (OnnxRuntimeGenAIException e)
        {
            throw new ScenarioFailedException($"ONNX Runtime GenAI failed: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// One generator for the whole conversation (batch 1): GenAI keeps the KV cache across AppendTokens calls,
    /// so each turn's AppendTokens prefills only the new ids on top of the history (and the previous answer's
    /// last token, which GenAI has selected but not yet run). Answers have exactly their length (min_length).
    /// </summary>
    public IReadOnlyList<double> RunConversation(IReadOnlyList<ConversationTurnIds> turns, Action<int, bool>? hook = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turns);
        int total = turns.Sum(t => t.NewIds.Length + t.AssistantTokens);
        if (total > _genAiConfig.ContextLength)
            throw new ScenarioFailedException($"the conversation reaches {total} tokens, more than the model's context length {_genAiConfig.ContextLength}");
        try
        {
            using var gp = new GeneratorParams(_model);
            gp.SetSearchOption("batch_size", 1);
            gp.SetSearchOption("max_length", total);
            gp.SetSearchOption("min_length", total);
            gp.SetSearchOption("do_sample", false);
            using var gen = new Generator(_model, gp);
            var seconds = new double[turns.Count];
            for (int i = 0; i < turns.Count; i++)
            {
                hook?.Invoke(i, true);
                long start = Stopwatch.GetTimestamp();
                gen.AppendTokens(turns[i].NewIds);
                long end = Stopwatch.GetTimestamp();
                seconds[i] = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
                for (int k = 0; k < turns[i].AssistantTokens; k++)
                {
                    gen.GenerateNextToken();
                    if (gen.IsDone() && (i < turns.Count - 1 || k < turns[i].AssistantTokens - 1))
                        throw new ScenarioFailedException($"generation stopped early in turn {i + 1}; the conversation is invalid (min_length not honoured)");
                    if ((k & 15) == 15) cancellationToken.ThrowIfCancellationRequested();
                }
                hook?.Invoke(i, false);
            }
            return seconds;
        }
        catch (OnnxRuntimeGenAIException e) when (IsOutOfMemory(e.Message))
        {
            throw new ScenarioFailedException($"out of memory in a {total}-token conversation: {FirstLine(e.Message)}", e);
        }
        catch (OnnxRuntimeGenAIException e)
        {
            throw new ScenarioFailedException($"ONNX Runtime GenAI failed in the conversation: {FirstLine(e.Message)}", e);
        }
    }

    private static bool IsOutOfMemory(string m) =>
        m.Contains("bad_alloc", StringComparison.OrdinalIgnoreCase) || m.Contains("Failed to allocate", StringComparison.OrdinalIgnoreCase)
        || m.Contains("out of memory", StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    public void Dispose()
    {
        _model.Dispose();
        _config.Dispose();
    }
}

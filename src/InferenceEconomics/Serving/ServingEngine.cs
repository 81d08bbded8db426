using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using InferenceEconomics.Engines;
using InferenceEconomics.Models;

namespace InferenceEconomics.Serving;

/// <summary>One generation asked of the server: prompt token ids and how to generate (already validated).</summary>
public sealed record ServeJob
{
    public required int[] PromptIds { get; init; }
    public required int MaxTokens { get; init; }
    /// <summary>EOS is masked until this many tokens were generated (ignore_eos sets it to MaxTokens).</summary>
    public int MinTokens { get; init; }
    /// <summary>Temperature; 0 selects the top logit (greedy).</summary>
    public double Temperature { get; init; }
    public double? TopP { get; init; }
    public ulong? Seed { get; init; }
}

public enum ServeEventKind { Token, Finished, Failed }

/// <summary>What the engine reports for a job: a token (with the size of the engine step that made it), the end, or a failure.</summary>
public readonly record struct ServeEvent(ServeEventKind Kind, int Token, int BatchSize, string? FinishReason, int PromptTokens, int CompletionTokens, string? Error);

/// <summary>The batching policy in force, as /v1/models and the x-ie-batching-policy header report it.</summary>
public sealed record BatchingPolicy(string Name, int MaxBatch, double WindowMs, string Description)
{
    /// <summary>One line for a response header: name;max_batch=N;window_ms=W.</summary>
    public string HeaderValue => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Name};max_batch={MaxBatch};window_ms={WindowMs}");
}

/// <summary>
/// Serves many requests on one ONNX Runtime GenAI Engine (its native request API, ort-genai.md §9): every engine
/// call happens on one owner thread; requests are begun as Turns and the engine batches them (static batching on
/// CPU: a batch runs to the end of its longest member; requests that arrive meanwhile wait for the next batch).
/// When the engine is idle the first request waits up to the batch window for others to share its batch.
/// </summary>
public sealed class ServingEngine : IDisposable
{
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _owner;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ServeSettings _settings;
    private readonly string _modelDir;
    private readonly ConcurrentDictionary<int, long> _stepsByBatch = new();
    private volatile bool _stopping;
    private int _inFlight;

    public BatchingPolicy Policy { get; private set; } = null!;
    /// <summary>Text to ids and back: the model's tokenizer, or the byte stand-in for a model without one.</summary>
    public TextCodec Codec { get; private set; } = null!;
    /// <summary>The most tokens (prompt + generated) one request may reach.</summary>
    public int MaxRequestTokens { get; }
    public int VocabSize { get; }
    /// <summary>The engine's max_scheduled_tokens capability (tokens one step may schedule).</summary>
    public long MaxScheduledTokens { get; private set; }
    public EngineInfo Info { get; }
    /// <summary>Requests admitted and not finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Engine steps (Runs that produced tokens) by the number of sequences that received a token in them.</summary>
    public IReadOnlyDictionary<int, long> StepsByBatchSize => new SortedDictionary<int, long>(_stepsByBatch);

    private sealed class Pending(ServeJob job, Channel<ServeEvent> channel, CancellationToken ct)
    {
        public ServeJob Job => job;
        public ChannelWriter<ServeEvent> Writer => channel.Writer;
        public CancellationToken Cancellation => ct;
        public long Arrived { get; } = Stopwatch.GetTimestamp();
        public IntPtr Request;
        public ulong TurnId;
        public int Generated;
        public bool CancelSent;
    }

    /// <summary>The model served (resolved, a synthetic one built if needed).</summary>
    public ResolvedModel Model { get; }

    /// <summary>The honesty notes of what is served: synthetic weights, a stand-in tokenizer, static batching.</summary>
    public IReadOnlyList<Note> Notes =>
    [
        .. Model.Synthetic ? [Schema.Notes.SyntheticWeights(Model.SyntheticOf ?? Model.DisplayName)] : Array.Empty<Note>(),
        .. Codec is ByteStandInCodec ? [Schema.Notes.ByteStandInTokenizer] : Array.Empty<Note>(),
        Schema.Notes.StaticBatching(Policy.MaxBatch),
    ];

    /// <summary>Resolves the model as `run` does (an alias, a folder, synthetic:&lt;preset&gt; built on first use) and starts its engine.</summary>
    public static ServingEngine Open(ProjectPaths paths, ServeSettings settings, IProgress<double>? buildProgress = null, CancellationToken ct = default)
    {
        settings.Validate();
        var model = new ModelResolver(paths).Resolve(settings.ModelSpec, new ModelRequest { Device = settings.Device, Precision = settings.Precision }, buildProgress, ct);
        return new ServingEngine(model, settings);
    }

    public ServingEngine(ResolvedModel model, ServeSettings settings)
    {
        Model = model;
        settings.Validate();
        if (settings.Device.IsCuda && !Engines.GenAi.GenAiEngine.CudaAddOnPresent)
            throw new InferenceEconomicsException(ErrorKind.DeviceUnavailable,
                $"serve runs ONNX Runtime GenAI's engine, which here runs on CPU only: GenAI's CUDA add-on (Microsoft.ML.OnnxRuntimeGenAI.Cuda) is not installed; use --device cpu");
        _settings = settings;
        _modelDir = model.Directory;
        VocabSize = model.Config.VocabSize;
        MaxRequestTokens = Math.Min(model.Config.ContextLength, SearchMaxLength(model.Directory) ?? int.MaxValue);
        var options = new EngineOptions { Device = settings.Device, IntraOpThreads = settings.IntraOpThreads };
        Info = new EngineInfo(EngineKind.GenAi, Versions.GenAi, settings.Device.IsCuda ? "CUDAExecutionProvider" : "CPUExecutionProvider", settings.Device)
            { IntraOpThreads = options.EffectiveIntraOpThreads };
        _owner = new Thread(OwnerLoop) { IsBackground = true, Name = "ie-serve-engine" };
        _owner.Start(options.EffectiveIntraOpThreads);
        try { _started.Task.GetAwaiter().GetResult(); }
        catch
        {
            _owner.Join();
            throw;
        }
    }

    /// <summary>search.max_length of genai_config.json: GenAI's default session limit per request.</summary>
    private static int? SearchMaxLength(string dir)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, GenAiConfig.FileName)));
        return root?["search"]?["max_length"]?.GetValue<int>();
    }

    /// <summary>Queues a job; its events arrive on the returned reader (cancel the token to stop it early).</summary>
    public ChannelReader<ServeEvent> Submit(ServeJob job, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        var channel = Channel.CreateUnbounded<ServeEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Interlocked.Increment(ref _inFlight);
        _queue.Enqueue(new Pending(job, channel, cancellationToken));
        _wake.Release();
        return channel.Reader;
    }

    private void OwnerLoop(object? threads)
    {
        NativeHandle engine, buffer;
        try
        {
            (engine, buffer) = Create((int)threads!);
        }
        catch (Exception e)
        {
            _started.SetException(e is GenAiNativeException g
                ? new InferenceEconomicsException(ErrorKind.ModelFileInvalid, $"ONNX Runtime GenAI's engine could not load '{_modelDir}': {g.FirstLine}; check the model files (regenerate a synthetic model, or re-download)", e)
                : e);
            return;
        }
        _started.SetResult();
        var active = new Dictionary<IntPtr, Pending>();
        try
        {
            while (!_stopping)
            {
                if (active.Count == 0)
                {
                    if (_queue.IsEmpty) { _wake.Wait(200); continue; }
                    WaitForBatchWindow();
                }
                while (_queue.TryDequeue(out var p)) Admit(engine, p, active);
                CancelAbandoned(active);
                if (active.Count == 0) continue;
                Step(engine, buffer, active);
            }
        }
        catch (Exception e)
        {
            foreach (var p in active.Values) { Fail(p, $"engine failure: {(e as GenAiNativeException)?.FirstLine ?? e.Message}"); Release(p); }
            active.Clear();
        }
        finally
        {
            foreach (var p in active.Values) { Fail(p, "the server is shutting down"); Release(p); }
            while (_queue.TryDequeue(out var p)) Fail(p, "the server is shutting down");
            buffer.Dispose();
            engine.Dispose();
        }
    }

    private (NativeHandle Engine, NativeHandle Buffer) Create(int threads)
    {
        OgaNative.Check(OgaNative.OgaCreateConfig(_modelDir, out var config));
        using var configHandle = new NativeHandle(config, OgaNative.OgaDestroyConfig);
        string inv(FormattableString f) => FormattableString.Invariant(f);
        OgaNative.Check(OgaNative.OgaConfigOverlay(config, inv($"{{\"model\":{{\"decoder\":{{\"session_options\":{{\"log_severity_level\":3,\"intra_op_num_threads\":{threads}}}}}}}}}")));
        OgaNative.Check(OgaNative.OgaConfigOverlay(config, inv($"{{\"engine\":{{\"static_batching\":{{\"max_batch_size\":{_settings.MaxBatch}}}}}}}")));
        OgaNative.Check(OgaNative.OgaConfigClearProviders(config));
        OgaNative.Check(OgaNative.OgaCreateModelFromConfig(config, out var model));
        using var modelHandle = new NativeHandle(model, OgaNative.OgaDestroyModel); // the engine retains the model
        Codec = File.Exists(Path.Combine(_modelDir, "tokenizer.json")) ? new GenAiTokenizerCodec(model) : new ByteStandInCodec(VocabSize);
        OgaNative.Check(OgaNative.OgaCreateEngine(model, out var e));
        var engine = new NativeHandle(e, OgaNative.OgaDestroyEngine);
        try
        {
            OgaNative.Check(OgaNative.OgaEngineGetCapabilities(e, out var caps));
            int maxBatch;
            long maxScheduled;
            try
            {
                maxBatch = (int)OgaNative.OgaEngineCapabilitiesGetConfiguredMaxBatchSize(caps);
                maxScheduled = (long)OgaNative.OgaEngineCapabilitiesGetMaxScheduledTokens(caps);
            }
            finally { OgaNative.OgaDestroyEngineCapabilities(caps); }
            MaxScheduledTokens = maxScheduled;
            Policy = new BatchingPolicy("genai_engine_static", maxBatch, _settings.BatchWindowMs,
                $"ONNX Runtime GenAI {Versions.GenAi} Engine, static batching: up to {maxBatch} requests run as one batch until its longest member ends; " +
                $"requests arriving meanwhile wait for the next batch; an idle engine waits up to {_settings.BatchWindowMs.ToString(System.Globalization.CultureInfo.InvariantCulture)} ms for a batch to fill");
            OgaNative.Check(OgaNative.OgaCreateEngineEventBuffer(e, (nuint)(4 * maxBatch + 16), out var b));
            return (engine, new NativeHandle(b, OgaNative.OgaDestroyEngineEventBuffer));
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>The engine is idle and a request waits: gather more until the batch is full or the window since the first arrival ends.</summary>
    private void WaitForBatchWindow()
    {
        if (!_queue.TryPeek(out var first)) return;
        long windowTicks = (long)(_settings.BatchWindowMs * Stopwatch.Frequency / 1000);
        while (!_stopping && _queue.Count < Policy.MaxBatch)
        {
            long left = first.Arrived + windowTicks - Stopwatch.GetTimestamp();
            if (left <= 0) break;
            _wake.Wait(TimeSpan.FromSeconds(Math.Max(left, Stopwatch.Frequency / 10_000) / (double)Stopwatch.Frequency));
        }
    }

    private void Admit(NativeHandle engine, Pending p, Dictionary<IntPtr, Pending> active)
    {
        if (p.Cancellation.IsCancellationRequested) { Fail(p, "cancelled by the client"); return; }
        var job = p.Job;
        try
        {
            OgaNative.Check(OgaNative.OgaEngineCreateRequest(engine.Ptr, IntPtr.Zero, out p.Request));
            OgaNative.Check(OgaNative.OgaRequestCreateTurnOptions(p.Request, out var opts));
            try
            {
                OgaNative.Check(OgaNative.OgaTurnOptionsSetMaxGeneratedTokens(opts, (ulong)job.MaxTokens));
                if (job.MinTokens > 0) OgaNative.Check(OgaNative.OgaTurnOptionsSetMinGeneratedTokens(opts, (ulong)job.MinTokens));
                bool sample = job.Temperature > 0;
                OgaNative.Check(OgaNative.OgaTurnOptionsSetDoSample(opts, sample));
                if (sample)
                {
                    OgaNative.Check(OgaNative.OgaTurnOptionsSetTemperature(opts, (float)job.Temperature));
                    if (job.TopP is { } topP) OgaNative.Check(OgaNative.OgaTurnOptionsSetTopP(opts, (float)topP));
                    if (job.Seed is { } seed) OgaNative.Check(OgaNative.OgaTurnOptionsSetSeed(opts, seed));
                }
                unsafe
                {
                    fixed (int* ids = job.PromptIds)
                        OgaNative.Check(OgaNative.OgaRequestBeginTurn(p.Request, opts, ids, (ulong)job.PromptIds.Length, out p.TurnId));
                }
            }
            finally { OgaNative.OgaDestroyTurnOptions(opts); }
            active[p.Request] = p;
        }
        catch (GenAiNativeException e)
        {
            Fail(p, $"the engine refused the request: {e.FirstLine}");
            Release(p);
        }
    }

    /// <summary>A client that went away: cancel its turn (the engine then reports it finished, cancelled).</summary>
    private static void CancelAbandoned(Dictionary<IntPtr, Pending> active)
    {
        foreach (var p in active.Values)
            if (!p.CancelSent && p.Cancellation.IsCancellationRequested)
            {
                p.CancelSent = true;
                OgaNative.Check(OgaNative.OgaRequestCancelTurn(p.Request, p.TurnId, out _));
            }
    }

    /// <summary>One engine Run: at most one model transaction; its events go to their requests' streams.</summary>
    private void Step(NativeHandle engine, NativeHandle buffer, Dictionary<IntPtr, Pending> active)
    {
        OgaNative.Check(OgaNative.OgaEngineRun(engine.Ptr, buffer.Ptr));
        int n = (int)OgaNative.OgaEngineEventBufferGetCount(buffer.Ptr);
        if (n == 0)
        {
            OgaNative.Check(OgaNative.OgaEngineHasPendingRequests(engine.Ptr, out byte pending));
            if (pending == 0)
            {
                // Nothing to do although requests are active: the engine lost them; fail them rather than spin.
                foreach (var p in active.Values) { Fail(p, "the engine stopped reporting on this request"); Release(p); }
                active.Clear();
            }
            return;
        }
        var tokens = new List<(Pending P, int Token)>(n);
        var finished = new List<(Pending P, string Reason, int Prompt, int Generated)>();
        for (int i = 0; i < n; i++)
        {
            var ev = OgaNative.OgaEngineEventBufferGet(buffer.Ptr, (nuint)i);
            OgaNative.Check(OgaNative.OgaEngineEventGetFlags(ev, out uint flags));
            OgaNative.Check(OgaNative.OgaEngineEventGetRequest(ev, out var req));
            if (!active.TryGetValue(req, out var p)) continue;
            if ((flags & OgaNative.FlagToken) != 0)
            {
                OgaNative.Check(OgaNative.OgaEngineEventGetToken(ev, out int token));
                tokens.Add((p, token));
            }
            if ((flags & OgaNative.FlagFailed) != 0)
            {
                OgaNative.Check(OgaNative.OgaEngineEventGetErrorCode(ev, out uint code));
                active.Remove(req);
                Fail(p, $"the engine failed the request (GenAI error code {code})");
                Release(p);
            }
            else if ((flags & OgaNative.FlagTurnFinished) != 0)
            {
                OgaNative.Check(OgaNative.OgaEngineEventGetFinishReason(ev, out uint reason));
                OgaNative.Check(OgaNative.OgaEngineEventGetUsage(ev, out var usage));
                ulong prompt = 0, generated = 0;
                if (usage != IntPtr.Zero)
                {
                    OgaNative.Check(OgaNative.OgaTurnUsageGetPromptTokens(usage, out prompt));
                    OgaNative.Check(OgaNative.OgaTurnUsageGetGeneratedTokens(usage, out generated));
                }
                finished.Add((p, FinishReason(reason), (int)prompt, (int)generated));
            }
        }
        // The step's batch: the sequences that received a token in this Run.
        int batch = tokens.Select(t => t.P).Distinct().Count();
        if (batch > 0) _stepsByBatch.AddOrUpdate(batch, 1, (_, c) => c + 1);
        foreach (var (p, token) in tokens)
        {
            p.Generated++;
            p.Writer.TryWrite(new ServeEvent(ServeEventKind.Token, token, batch, null, 0, 0, null));
        }
        foreach (var (p, reason, prompt, generated) in finished)
        {
            active.Remove(p.Request);
            p.Writer.TryWrite(new ServeEvent(ServeEventKind.Finished, 0, batch, reason, prompt > 0 ? prompt : p.Job.PromptIds.Length, generated > 0 ? generated : p.Generated, null));
            p.Writer.TryComplete();
            Release(p);
        }
    }

    /// <summary>OpenAI's finish_reason words: "length" for a token limit, "stop" for EOS or a stop string.</summary>
    private static string FinishReason(uint reason) => reason switch
    {
        1 or 2 => "stop",
        3 or 4 => "length",
        5 => "cancelled",
        _ => "error",
    };

    private void Fail(Pending p, string message)
    {
        p.Writer.TryWrite(new ServeEvent(ServeEventKind.Failed, 0, 0, null, 0, 0, message));
        p.Writer.TryComplete();
        if (p.Request == IntPtr.Zero) Interlocked.Decrement(ref _inFlight);
    }

    private void Release(Pending p)
    {
        if (p.Request == IntPtr.Zero) return;
        var closed = OgaNative.OgaRequestClose(p.Request);
        if (closed != IntPtr.Zero) OgaNative.OgaDestroyResult(closed); // closing is best effort; destroying releases the handle anyway
        OgaNative.OgaDestroyRequest(p.Request);
        p.Request = IntPtr.Zero;
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Stops the owner thread: active requests end with an error event, the engine is released.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _wake.Release();
        if (_owner.IsAlive) _owner.Join();
        while (_queue.TryDequeue(out var p)) Fail(p, "the server is shutting down"); // submitted while the owner was ending
        Codec?.Dispose();
        _wake.Dispose();
    }
}

using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Cli.Serving;
using InferenceEconomics.Reporting;
using InferenceEconomics.Serving;

namespace InferenceEconomics.Cli.Commands;

/// <summary>The settings of `serve`.</summary>
internal sealed class ServeCommandSettings
{
    public ServeSettings Serve { get; set; } = new();
}

/// <summary>An OpenAI-compatible streaming server over a local ONNX model, for load tests as against vLLM.</summary>
internal sealed class ServeCommand : CliCommand<ServeCommandSettings>
{
    /// <summary>How long requests in flight may take to finish after Ctrl-C or SIGTERM.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    public override string Name => "serve";
    public override string Summary => "serve a model over OpenAI's HTTP API (/v1/completions, /v1/chat/completions, streaming), batching concurrent requests";
    public override string Description =>
        "Prints the bound URL on one line (listening on http://HOST:PORT), then serves until Ctrl-C or SIGTERM.\n" +
        "Token-id prompts give exact lengths; ignore_eos or min_tokens force the output length; stream_options.include_usage adds the usage chunk.\n" +
        "Every chunk carries ie_sent_unix_ns (the server's send time) and ie_batch_size; /v1/models and the x-ie-batching-policy header name the batching policy (docs/serving.md).";
    public override IReadOnlyList<string> Examples =>
    [
        $"{EntryPoint.Name} serve                                 # synthetic tiny model on http://127.0.0.1:8000",
        $"{EntryPoint.Name} serve --model phi --port 0 --max-batch 16",
    ];

    public ServeCommand()
    {
        Option(s => s.Serve.ModelSpec, "--model", "M", "a folder with genai_config.json, an alias from models/models.json (phi, ...), or synthetic:<preset>");
        Option(s => s.Serve.Precision, "--precision", "P", "weights of a synthetic model", defaultText: "fp32 on CPU, or the alias variant's");
        Option(s => s.Serve.EngineRequested, "--engine", "E", "engine (serving runs ONNX Runtime GenAI's request engine: auto or genai)");
        Option(s => s.Serve.Device, "--device", "D", "cpu (cuda needs GenAI's CUDA add-on)");
        Option(s => s.Serve.Host, "--host", "ADDR", "address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface, no authentication)");
        Option(s => s.Serve.Port, "--port", "N", "TCP port (0: a free one, printed)");
        Option(s => s.Serve.ServedModelName, "--served-model-name", "NAME", "the name clients send as \"model\"", defaultText: "the model's name as run shows it");
        Option(s => s.Serve.MaxBatch, "--max-batch", "N", "requests one engine batch may hold");
        Option(s => s.Serve.BatchWindowMs, "--batch-window-ms", "MS", "an idle engine waits this long after a request for others to share its batch");
        Option(s => s.Serve.IntraOpThreads, "--threads", "N", "ONNX Runtime intra-op threads", defaultText: "half the logical cores, 1..16");
    }

    protected override int Execute(ServeCommandSettings s, CliContext ctx)
    {
        var settings = s.Serve;
        settings.Validate();
        if (ServeHost.ParseHost(settings.Host) is null)
            throw new InferenceEconomicsException(ErrorKind.Usage, $"--host '{settings.Host}' is not an IP address; use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or localhost");
        using var engine = ServingEngine.Open(ctx.Paths, settings, ct: ctx.Cancellation);
        var served = new ServedModel(settings.ServedModelName ?? engine.Model.DisplayName, engine.MaxRequestTokens, engine.VocabSize, engine.Codec);
        var facts = new ServedModelFacts(served, engine.Policy, engine.Info, engine.Notes, settings);
        var host = ServeHost.StartAsync(engine, facts, ctx.Cancellation).GetAwaiter().GetResult();
        try
        {
            ctx.Out.WriteLine($"listening on {host.Url.GetLeftPart(UriPartial.Authority)}");
            ctx.Out.WriteLine($"model: {served.Name} (context {served.MaxRequestTokens} tokens); batching: {engine.Policy.Description}");
            if (ctx.Verbose) ctx.Out.WriteLine($"engine: max_scheduled_tokens {engine.MaxScheduledTokens}");
            foreach (var line in NoteText.Console(facts.Notes)) ctx.Out.WriteLine(line);
            ctx.Out.WriteLine("Ctrl-C stops the server");
            ctx.Out.Flush();
            ctx.Cancellation.WaitHandle.WaitOne();
            ctx.Out.WriteLine("stopping: requests in flight get up to " + StopGrace.TotalSeconds + " s to finish");
            host.StopAsync(StopGrace).GetAwaiter().GetResult();
        }
        finally { host.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        return 0;
    }
}

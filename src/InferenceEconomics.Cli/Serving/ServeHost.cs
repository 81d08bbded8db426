using System.Globalization;
using System.Net;
using System.Text.Json;
using InferenceEconomics.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferenceEconomics.Cli.Serving;

/// <summary>What /v1/models says about the served model besides its name.</summary>
internal sealed record ServedModelFacts(ServedModel Model, BatchingPolicy Policy, EngineInfo Engine, IReadOnlyList<Note> Notes, ServeSettings Settings);

/// <summary>
/// The HTTP side of `serve`: Kestrel on the asked address, OpenAI's /v1/completions, /v1/chat/completions and
/// /v1/models, /health, and /ie/stats (engine steps by batch size). Each token is written and flushed as its own
/// SSE chunk the moment the engine reports it.
/// </summary>
internal sealed class ServeHost : IAsyncDisposable
{
    public const string PolicyHeader = "x-ie-batching-policy", ReceivedHeader = "x-ie-received-unix-ns";

    private readonly WebApplication _app;
    private readonly ServingEngine _engine;
    private readonly ServedModelFacts _facts;

    /// <summary>The bound base URL, e.g. http://127.0.0.1:8000 (the port the system picked for port 0).</summary>
    public Uri Url { get; private set; } = null!;

    private ServeHost(WebApplication app, ServingEngine engine, ServedModelFacts facts)
    {
        _app = app;
        _engine = engine;
        _facts = facts;
    }

    /// <summary>The address Kestrel listens on: an IP address, or localhost for the IPv4 loopback.</summary>
    public static IPAddress? ParseHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.TryParse(host, out var a) ? a : null;

    public static async Task<ServeHost> StartAsync(ServingEngine engine, ServedModelFacts facts, CancellationToken ct)
    {
        var settings = facts.Settings;
        var address = ParseHost(settings.Host) ?? throw new InferenceEconomicsException(ErrorKind.Usage,
            $"--host '{settings.Host}' is not an IP address; use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or localhost");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>(); // the command owns Ctrl-C and SIGTERM
        builder.WebHost.UseKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = 64L << 20;
            o.Listen(address, settings.Port);
        });
        var app = builder.Build();
        var host = new ServeHost(app, engine, facts);
        app.MapGet("/v1/models", host.Models);
        app.MapGet("/health", () => Microsoft.AspNetCore.Http.Results.Ok());
        app.MapGet("/ie/stats", host.Stats);
        app.MapPost("/v1/completions", (HttpContext c) => host.Generate(c, OpenAiEndpoint.Completions));
        app.MapPost("/v1/chat/completions", (HttpContext c) => host.Generate(c, OpenAiEndpoint.ChatCompletions));
        app.MapFallback((HttpContext c) => WriteError(c, new OpenAiError(404, $"no route {c.Request.Method} {c.Request.Path}; this server answers /v1/completions, /v1/chat/completions, /v1/models", code: "not_found")));
        try { await app.StartAsync(ct).ConfigureAwait(false); }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InferenceEconomicsException(ErrorKind.Usage, $"cannot listen on {settings.Host}:{settings.Port}: {e.Message}; choose another --port (0 picks a free one)", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.Url = new Uri(bound);
        return host;
    }

    private IResult Models()
    {
        var f = _facts;
        var doc = new Dictionary<string, object?>
        {
            ["object"] = "list",
            ["data"] = new[]
            {
                new Dictionary<string, object?>
                {
                    ["id"] = f.Model.Name,
                    ["object"] = "model",
                    ["created"] = Created,
                    ["owned_by"] = "inference-economics",
                    ["max_model_len"] = f.Model.MaxRequestTokens,
                    ["ie_batching_policy"] = new Dictionary<string, object?>
                    {
                        ["name"] = f.Policy.Name, ["max_batch"] = f.Policy.MaxBatch, ["window_ms"] = f.Policy.WindowMs, ["description"] = f.Policy.Description,
                    },
                    ["ie_engine"] = new Dictionary<string, object?>
                    {
                        ["kind"] = Words.Of(f.Engine.Name), ["version"] = f.Engine.Version, ["provider"] = f.Engine.ExecutionProvider,
                        ["device"] = f.Engine.Device.ToString(), ["intra_op_threads"] = f.Engine.IntraOpThreads,
                    },
                    ["ie_tokenizer"] = f.Model.Codec.Name,
                    ["ie_vocab_size"] = f.Model.VocabSize,
                    ["ie_notes"] = f.Notes.Select(n => new Dictionary<string, string> { ["kind"] = Words.Of(n.Kind), ["code"] = n.Code, ["text"] = n.Text }).ToList(),
                },
            },
        };
        return Microsoft.AspNetCore.Http.Results.Json(doc);
    }

    private static readonly long Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private IResult Stats() => Microsoft.AspNetCore.Http.Results.Json(new Dictionary<string, object>
    {
        ["batching_policy"] = _facts.Policy.Name,
        ["in_flight"] = _engine.InFlight,
        ["steps_by_batch_size"] = _engine.StepsByBatchSize.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
    });

    private async Task Generate(HttpContext http, OpenAiEndpoint endpoint)
    {
        long received = OpenAiWire.UnixNanosNow();
        var ct = http.RequestAborted;
        OpenAiRequest request;
        try
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, ct).ConfigureAwait(false);
            request = OpenAiWire.Parse(body.GetBuffer().AsSpan(0, (int)body.Length), endpoint, _facts.Model);
        }
        catch (OpenAiError e) { await WriteError(http, e).ConfigureAwait(false); return; }
        catch (OperationCanceledException) { return; }

        System.Threading.Channels.ChannelReader<ServeEvent> events;
        try { events = _engine.Submit(request.Job, ct); }
        catch (ObjectDisposedException) { await WriteError(http, new OpenAiError(503, "the server is shutting down", type: "server_error")).ConfigureAwait(false); return; }

        ServeEvent first;
        try
        {
            if (!await events.WaitToReadAsync(ct).ConfigureAwait(false) || !events.TryRead(out first)) return;
        }
        catch (OperationCanceledException) { return; }
        if (first.Kind == ServeEventKind.Failed)
        {
            await WriteError(http, new OpenAiError(500, first.Error ?? "the engine failed", type: "server_error")).ConfigureAwait(false);
            return;
        }

        http.Response.Headers[PolicyHeader] = _facts.Policy.HeaderValue;
        http.Response.Headers[ReceivedHeader] = received.ToString(CultureInfo.InvariantCulture);
        var writer = new ResponseWriter(request, OpenAiIds.New(endpoint), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var decode = _facts.Model.Codec.NewDecoder();
        try
        {
            if (request.Stream) await StreamAsync(http, request, writer, decode, first, events, ct).ConfigureAwait(false);
            else await WholeAsync(http, writer, decode, first, events, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { } // the client went away; the engine cancels its turn
        catch (IOException) { }
    }

    private static async Task StreamAsync(HttpContext http, OpenAiRequest request, ResponseWriter writer, Func<int, string> decode, ServeEvent first,
        System.Threading.Channels.ChannelReader<ServeEvent> events, CancellationToken ct)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var pipe = http.Response.BodyWriter;
        bool firstChunk = true;
        int maxBatch = 0;
        var ev = first;
        while (true)
        {
            switch (ev.Kind)
            {
                case ServeEventKind.Token:
                    maxBatch = Math.Max(maxBatch, ev.BatchSize);
                    await pipe.WriteAsync(writer.Chunk(decode(ev.Token), null, ev.BatchSize, ev.Token, firstChunk), ct).ConfigureAwait(false);
                    firstChunk = false;
                    break;
                case ServeEventKind.Finished:
                    await pipe.WriteAsync(writer.Chunk("", ev.FinishReason, ev.BatchSize, null, firstChunk), ct).ConfigureAwait(false);
                    if (request.IncludeUsage) await pipe.WriteAsync(writer.UsageChunk(ev.PromptTokens, ev.CompletionTokens, maxBatch), ct).ConfigureAwait(false);
                    await pipe.WriteAsync(ResponseWriter.Done, ct).ConfigureAwait(false);
                    return;
                case ServeEventKind.Failed:
                    await pipe.WriteAsync(ResponseWriter.ErrorEvent(new OpenAiError(500, ev.Error ?? "the engine failed", type: "server_error")), ct).ConfigureAwait(false);
                    await pipe.WriteAsync(ResponseWriter.Done, ct).ConfigureAwait(false);
                    return;
            }
            if (!await events.WaitToReadAsync(ct).ConfigureAwait(false) || !events.TryRead(out ev)) return;
        }
    }

    private static async Task WholeAsync(HttpContext http, ResponseWriter writer, Func<int, string> decode, ServeEvent first,
        System.Threading.Channels.ChannelReader<ServeEvent> events, CancellationToken ct)
    {
        var text = new System.Text.StringBuilder();
        int maxBatch = 0;
        var ev = first;
        while (true)
        {
            if (ev.Kind == ServeEventKind.Token) { text.Append(decode(ev.Token)); maxBatch = Math.Max(maxBatch, ev.BatchSize); }
            else if (ev.Kind == ServeEventKind.Finished)
            {
                http.Response.ContentType = "application/json";
                await http.Response.Body.WriteAsync(writer.Complete(text.ToString(), ev.FinishReason ?? "stop", ev.PromptTokens, ev.CompletionTokens, maxBatch), ct).ConfigureAwait(false);
                return;
            }
            else
            {
                await WriteError(http, new OpenAiError(500, ev.Error ?? "the engine failed", type: "server_error")).ConfigureAwait(false);
                return;
            }
            if (!await events.WaitToReadAsync(ct).ConfigureAwait(false) || !events.TryRead(out ev)) return;
        }
    }

    private static async Task WriteError(HttpContext http, OpenAiError e)
    {
        if (http.Response.HasStarted) return;
        http.Response.StatusCode = e.Status;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(e.ToJson()).ConfigureAwait(false);
    }

    /// <summary>Stops accepting requests, lets the ones in flight end within the grace period, then stops.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        using var cts = new CancellationTokenSource(grace);
        await _app.StopAsync(cts.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    /// <summary>No console lifetime: the command decides when to stop (its cancellation token carries Ctrl-C and SIGTERM).</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace InferenceEconomics.Tests.TestSupport;

/// <summary>What the scripted server does with one streaming request.</summary>
public enum ServerFault
{
    None,
    /// <summary>Answers with <see cref="ServerScript.Status"/> and a JSON error body.</summary>
    Status,
    /// <summary>After <see cref="ServerScript.FaultAfter"/> token events, a data line that is not JSON.</summary>
    Malformed,
    /// <summary>After <see cref="ServerScript.FaultAfter"/> token events, silence until the client gives up.</summary>
    Stall,
    /// <summary>Reads the request and never writes a byte.</summary>
    NeverAnswer,
    /// <summary>After <see cref="ServerScript.FaultAfter"/> token events, closes the connection without [DONE].</summary>
    CloseEarly,
    /// <summary>After <see cref="ServerScript.FaultAfter"/> token events, an {"error": ...} event (as vLLM sends when generation fails).</summary>
    ErrorEvent,
}

/// <summary>How the server answers a request: timing, length and fault.</summary>
public sealed record ServerScript
{
    public TimeSpan FirstTokenDelay { get; init; }
    public TimeSpan TokenGap { get; init; }
    public ServerFault Fault { get; init; }
    public int Status { get; init; } = 500;
    public int FaultAfter { get; init; } = 2;
    public bool SendUsage { get; init; } = true;
    /// <summary>Tokens to stream; null: the request's max_tokens.</summary>
    public int? Tokens { get; init; }
}

/// <summary>One request as the server saw and answered it, on the same Stopwatch clock as the client (one process).</summary>
public sealed class ServedRequest
{
    public long ReceivedTicks { get; init; }
    public required string Path { get; init; }
    public required JsonElement Body { get; init; }
    public string? Authorization { get; init; }
    /// <summary>Ticks just before each token event was written to the socket.</summary>
    public List<long> SendTicks { get; } = [];
}

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 (port 0) over raw sockets that speaks just enough of the OpenAI streaming API
/// for the load client's tests and benchmark: GET /v1/models, POST /v1/completions and /v1/chat/completions with
/// SSE over chunked transfer, keep-alive, a script per request (delays, length, faults), and every token event's
/// send time recorded. It can refuse token-id prompts or ignore_eos (400) like servers that do not take them.
/// </summary>
public sealed class ScriptedSseServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private int _count;

    public Func<int, JsonElement, ServerScript> Script { get; set; } = (_, _) => new ServerScript();
    public ConcurrentQueue<ServedRequest> Served { get; } = new();
    public bool RejectTokenIds { get; set; }
    public bool RejectIgnoreEos { get; set; }
    /// <summary>Keep the records of served requests (off for the benchmark's millions of chunks).</summary>
    public bool Record { get; set; } = true;
    public long TokenEvents;
    public string ModelId { get; set; } = "scripted-model";
    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public ScriptedSseServer()
    {
        _listener.Start(4096);
        _accept = Task.Run(AcceptLoop);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try { s = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            s.NoDelay = true;
            _ = Task.Run(() => Serve(s));
        }
    }

    private async Task Serve(Socket socket)
    {
        using var owned = socket;
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new byte[64 * 1024];
        int filled = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // Headers up to the blank line.
                int headerEnd;
                while ((headerEnd = IndexOf(buffer, filled, "\r\n\r\n"u8)) < 0)
                {
                    int n = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                    if (n == 0) return;
                    filled += n;
                }
                long received = Stopwatch.GetTimestamp();
                var head = Encoding.ASCII.GetString(buffer, 0, headerEnd).Split("\r\n");
                var requestLine = head[0].Split(' ');
                int length = 0;
                string? auth = null;
                foreach (var h in head.Skip(1))
                {
                    int c = h.IndexOf(':', StringComparison.Ordinal);
                    if (c < 0) continue;
                    var name = h[..c].Trim();
                    var value = h[(c + 1)..].Trim();
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = int.Parse(value, CultureInfo.InvariantCulture);
                    if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) auth = value;
                }
                int total = headerEnd + 4 + length;
                while (filled < total)
                {
                    int n = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                    if (n == 0) return;
                    filled += n;
                }
                var bodyText = Encoding.UTF8.GetString(buffer, headerEnd + 4, length);
                Buffer.BlockCopy(buffer, total, buffer, 0, filled - total);
                filled -= total;
                var path = requestLine.Length > 1 ? requestLine[1] : "/";
                if (requestLine[0] == "GET" && path == "/v1/models")
                {
                    await Respond(stream, 200, $"{{\"object\":\"list\",\"data\":[{{\"id\":\"{ModelId}\",\"object\":\"model\",\"owned_by\":\"test\",\"batching\":\"scripted\"}}]}}");
                    continue;
                }
                var body = JsonDocument.Parse(length == 0 ? "{}" : bodyText).RootElement.Clone();
                var served = new ServedRequest { ReceivedTicks = received, Path = path, Body = body, Authorization = auth };
                if (Record) Served.Enqueue(served);
                if (RejectTokenIds && body.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.Array)
                { await Respond(stream, 400, "{\"error\":{\"message\":\"prompt must be a string\"}}"); continue; }
                if (RejectIgnoreEos && body.TryGetProperty("ignore_eos", out _))
                { await Respond(stream, 400, "{\"error\":{\"message\":\"Unrecognized request argument supplied: ignore_eos\"}}"); continue; }
                int index = Interlocked.Increment(ref _count) - 1;
                var script = Script(index, body);
                if (!await Stream(stream, served, body, script)) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    private static async Task Respond(NetworkStream stream, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var head = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK", 400 => "Bad Request", 429 => "Too Many Requests", 500 => "Internal Server Error", 503 => "Service Unavailable", _ => "Status",
    };

    /// <summary>Streams one answer; false when the connection must close (a fault that ends it).</summary>
    private async Task<bool> Stream(NetworkStream stream, ServedRequest served, JsonElement body, ServerScript script)
    {
        if (script.Fault == ServerFault.NeverAnswer) { await Task.Delay(Timeout.Infinite, _stop.Token); return false; }
        if (script.Fault == ServerFault.Status)
        {
            await Respond(stream, script.Status, "{\"error\":{\"message\":\"scripted failure\"}}");
            return true;
        }
        bool chat = served.Path.EndsWith("/chat/completions", StringComparison.Ordinal);
        int asked = body.TryGetProperty("max_tokens", out var mt) ? mt.GetInt32() : body.TryGetProperty("max_completion_tokens", out var mct) ? mct.GetInt32() : 16;
        int tokens = script.Tokens ?? asked;
        int promptTokens = body.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.Array ? p.GetArrayLength()
            : (chat ? body.GetProperty("messages")[0].GetProperty("content").GetString() : p.GetString())!.Split(' ').Length + (chat ? 7 : 0);
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray());
        if (chat) await Chunk(stream, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n");
        if (script.FirstTokenDelay > TimeSpan.Zero) await Task.Delay(script.FirstTokenDelay, _stop.Token);
        for (int i = 0; i < tokens; i++)
        {
            if (i > 0 && script.TokenGap > TimeSpan.Zero) await Task.Delay(script.TokenGap, _stop.Token);
            if (i == script.FaultAfter)
            {
                switch (script.Fault)
                {
                    case ServerFault.Malformed: await Chunk(stream, "data: {\"choices\": [ not json\n\n"); return true;
                    case ServerFault.Stall: await Task.Delay(Timeout.Infinite, _stop.Token); return false;
                    case ServerFault.CloseEarly: return false;
                    case ServerFault.ErrorEvent:
                        await Chunk(stream, "data: {\"error\": {\"message\": \"scripted generation failure\", \"code\": 500}}\n\n");
                        await Chunk(stream, "data: [DONE]\n\n");
                        await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
                        return true;
                }
            }
            var ev = chat
                ? $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" t{i}\"}}}}]}}\n\n"
                : $"data: {{\"id\":\"c\",\"object\":\"text_completion\",\"choices\":[{{\"index\":0,\"text\":\" t{i}\",\"finish_reason\":{(i == tokens - 1 ? "\"length\"" : "null")}}}]}}\n\n";
            // The send time is taken as the write starts: a reader can be woken before WriteAsync returns here.
            long t = Stopwatch.GetTimestamp();
            await Chunk(stream, ev);
            Interlocked.Increment(ref TokenEvents);
            if (Record) served.SendTicks.Add(t);
        }
        if (script.SendUsage)
            await Chunk(stream, $"data: {{\"id\":\"c\",\"choices\":[],\"usage\":{{\"prompt_tokens\":{promptTokens},\"completion_tokens\":{tokens},\"total_tokens\":{promptTokens + tokens}}}}}\n\n");
        await Chunk(stream, "data: [DONE]\n\n");
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        return true;
    }

    private static async Task Chunk(NetworkStream stream, string data)
    {
        var payload = Encoding.UTF8.GetBytes(data);
        var frame = new byte[payload.Length + 16];
        int n = Encoding.ASCII.GetBytes(payload.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n", frame);
        payload.CopyTo(frame, n);
        frame[n + payload.Length] = (byte)'\r';
        frame[n + payload.Length + 1] = (byte)'\n';
        await stream.WriteAsync(frame.AsMemory(0, n + payload.Length + 2));
    }

    private static int IndexOf(byte[] buffer, int count, ReadOnlySpan<byte> what) => buffer.AsSpan(0, count).IndexOf(what);

    /// <summary>A loopback port with nothing listening (bound, then released): connections to it are refused.</summary>
    public static string RefusingUrl()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return $"http://127.0.0.1:{port}";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accept; } catch (Exception) { }
        _stop.Dispose();
    }
}

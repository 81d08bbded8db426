namespace InferenceEconomics.Serving;

/// <summary>
/// Everything `serve` is asked to do. The initialisers are the only copy of each default: the CLI binds its
/// options to these properties and prints its help from a fresh instance; /v1/models reports the effective record.
/// </summary>
public sealed record ServeSettings
{
    /// <summary>A folder with genai_config.json, an alias from models/models.json, or synthetic:&lt;preset&gt;.</summary>
    public string ModelSpec { get; init; } = "synthetic:tiny";
    /// <summary>Weights of a synthetic model; null: fp32 on CPU, or the alias variant's.</summary>
    public WeightPrecision? Precision { get; init; }
    /// <summary>Serving runs ONNX Runtime GenAI's own Engine (auto means it).</summary>
    public EngineKind EngineRequested { get; init; } = EngineKind.Auto;
    public Device Device { get; init; } = Device.Cpu;
    /// <summary>Address Kestrel binds; loopback by default (the server has no authentication).</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>TCP port; 0 lets the system pick one (the bound URL is printed).</summary>
    public int Port { get; init; } = 8000;
    /// <summary>The name clients send as "model"; null: the resolved model's display name.</summary>
    public string? ServedModelName { get; init; }
    /// <summary>Sequences one engine step may hold (GenAI's static_batching max_batch_size).</summary>
    public int MaxBatch { get; init; } = 4;
    /// <summary>When the engine is idle, how long the first arriving request waits for others to share its batch, ms.</summary>
    public double BatchWindowMs { get; init; } = 5;
    /// <summary>ONNX Runtime intra-op threads asked for; null: the engine's default.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>The largest batch accepted (a guard against a typo; GenAI allocates the KV cache per row).</summary>
    public const int MaxBatchLimit = 256;

    /// <summary>Checks the values a user gave; every problem in one exception.</summary>
    public void Validate()
    {
        new Validator()
            .Range(nameof(Port), Port, 0, 65535)
            .Range(nameof(MaxBatch), MaxBatch, 1, MaxBatchLimit)
            .Range(nameof(BatchWindowMs), BatchWindowMs, 0, 10_000)
            .Range(nameof(IntraOpThreads), IntraOpThreads, 1, 256)
            .Require(EngineRequested is EngineKind.Auto or EngineKind.GenAi, nameof(EngineRequested), Words.Of(EngineRequested),
                "cannot serve: serving runs ONNX Runtime GenAI's request engine", "use --engine genai (or leave it at auto)")
            .Require(!string.IsNullOrWhiteSpace(Host), nameof(Host), Host, "is empty", "give an address such as 127.0.0.1")
            .Require(ServedModelName is null || ServedModelName.Trim().Length > 0, nameof(ServedModelName), ServedModelName, "is empty", "give a name or leave it out")
            .ThrowIfAny();
    }
}

namespace InferenceEconomics.Models;

/// <summary>Numeric precision of the weights as the builder names it.</summary>
public enum WeightPrecision { Fp32, Fp16, Int4 }

/// <summary>Element type of activations, logits and the KV cache (the builder's "io dtype").</summary>
public enum IoDType { Float32, Float16 }

/// <summary>Attention form of a builder-format graph.</summary>
public enum AttentionKind
{
    /// <summary>GroupQueryAttention with fused rotary; no position_ids input (builder since v0.11).</summary>
    GroupQuery,
    /// <summary>MultiHeadAttention + RotaryEmbedding + position_ids (older builder, shared tiny model).</summary>
    MultiHeadWithPositionIds,
}

/// <summary>
/// The architecture numbers of a decoder-only Llama-style model: everything that decides
/// its cost per token. Weight values do not matter for throughput, so a shape is enough
/// to build a synthetic model or to compute a roofline.
/// </summary>
public sealed record ModelShape(
    int Layers,
    int HiddenSize,
    int Heads,
    int KvHeads,
    int IntermediateSize,
    int VocabSize,
    int ContextLength,
    double RopeTheta = 10000.0,
    double RmsNormEps = 1e-5)
{
    public int HeadSize => HiddenSize / Heads;
    public int QSize => Heads * HeadSize;
    public int KvSize => KvHeads * HeadSize;

    /// <summary>Parameters of the decoder: embeddings, per-layer attention and MLP, norms, lm_head (untied).</summary>
    public long ParameterCount
    {
        get
        {
            long h = HiddenSize, v = VocabSize, i = IntermediateSize;
            long perLayer = h * (QSize + 2L * KvSize) + (long)QSize * h + 3 * h * i + 2 * h;
            return v * h /* embed */ + Layers * perLayer + h /* final norm */ + h * v /* lm_head */;
        }
    }

    /// <summary>KV cache bytes per token of context, for all layers (K and V).</summary>
    public long KvBytesPerToken(IoDType io) => 2L * Layers * KvSize * (io == IoDType.Float16 ? 2 : 4);
}

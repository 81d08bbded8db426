namespace InferenceEconomics.Models;

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

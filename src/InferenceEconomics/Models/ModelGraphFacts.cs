using System.Globalization;
using InferenceEconomics.Models.Onnx;

namespace InferenceEconomics.Models;

/// <summary>One number read from the graph, with where it was read ("past_key_values.0.key dim 1").</summary>
public sealed record GraphValue(long Value, string Source)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// What model.onnx itself says about the model: the truth that genai_config.json is checked against and that
/// results record. Read from the graph proto alone (initializer shapes are declared in it; the external data
/// file is never read). A number the graph does not pin down is null.
/// </summary>
public sealed record ModelGraphFacts
{
    public required string OnnxPath { get; init; }
    /// <summary>Decoder layers: one attention node each.</summary>
    public required GraphValue Layers { get; init; }
    public required AttentionKind Attention { get; init; }
    public required GraphValue? Heads { get; init; }
    public required GraphValue? KvHeads { get; init; }
    public required GraphValue? HeadSize { get; init; }
    public required GraphValue? HiddenSize { get; init; }
    public required GraphValue? VocabSize { get; init; }
    public GraphValue? IntermediateSize { get; init; }
    /// <summary>Positions the rotary cos/sin cache holds: the longest context the graph can run.</summary>
    public GraphValue? RotaryPositions { get; init; }
    public required WeightPrecision Precision { get; init; }
    public required string PrecisionSource { get; init; }
    public required IoDType Io { get; init; }
    public required string IoSource { get; init; }
    /// <summary>Per layer, the graph inputs the attention node reads its past key and value from.</summary>
    public required IReadOnlyList<(string Key, string Value)> PastInputs { get; init; }
    public required IReadOnlyList<OnnxValueInfo> Inputs { get; init; }
    public required IReadOnlyList<OnnxValueInfo> Outputs { get; init; }
    /// <summary>Weights in the graph (int4 weights counted as K x N values; rotary caches and integer constants excluded).</summary>
    public required long ParameterCount { get; init; }


    /// <summary>Attention operators of the builder's decoders (contrib domain).</summary>
    private static readonly string[] AttentionOps = ["GroupQueryAttention", "MultiHeadAttention"];

    /// <summary>
    /// Reads the facts from a parsed model. Throws ModelFileInvalid when the graph is not a decoder this harness
    /// can describe (no attention node, weights in a precision it does not record).
    /// </summary>
    public static ModelGraphFacts From(OnnxModel model, string onnxPath)
    {
        var inits = new Dictionary<string, OnnxInitializer>(StringComparer.Ordinal);
        foreach (var t in model.Initializers) inits.TryAdd(t.Name, t);
        var inputs = model.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var n in model.Nodes)
            foreach (var i in n.Inputs.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(i, out var list)) consumers[i] = list = [];
                list.Add(n);
            }

        var attention = model.Nodes.Where(n => AttentionOps.Contains(n.OpType)).ToList();
        if (attention.Count == 0)
            throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid,
                $"{onnxPath} has no GroupQueryAttention or MultiHeadAttention node: it is not a decoder made by onnxruntime-genai's model builder, which this harness measures");
        var first = attention[0];
        bool gqa = first.OpType == "GroupQueryAttention";
        string where = $"{first.OpType} node {first.Name}";
        var layers = new GraphValue(attention.Count, $"{attention.Count} {first.OpType} nodes");

        // Past inputs: GQA (query, key, value, past_key, past_value, ...), MHA (query, key, value, bias, mask, attention_bias, past_key, past_value).
        int pastSlot = gqa ? 3 : 6;
        var past = attention.Select(a => (Key: Arg(a, pastSlot), Value: Arg(a, pastSlot + 1))).ToList();
        inputs.TryGetValue(past[0].Key, out var pastKey);

        GraphValue? heads = Attr(first, "num_heads") is long h and > 0 ? new(h, $"{where} num_heads") : null;
        GraphValue? kvHeads = StaticDim(pastKey, 1)
            ?? (gqa ? (Attr(first, "kv_num_heads") is long kv and > 0 ? new GraphValue(kv, $"{where} kv_num_heads") : null)
                    : heads is null ? null : heads with { Source = $"{where} num_heads (MultiHeadAttention: as many KV heads as heads)" });

        // The output projection reads the attention output: its weight is [heads x head_size, hidden].
        var oProj = consumers.GetValueOrDefault(first.Outputs[0])?.FirstOrDefault(IsMatMul);
        var oDims = oProj is null ? null : WeightKN(oProj, inits);
        GraphValue? headSize = StaticDim(pastKey, 3)
            ?? (oDims is { } od && heads is not null && od.K % heads.Value == 0
                ? new GraphValue(od.K / heads.Value, $"{oProj!.Name} weight rows {od.K} / num_heads {heads.Value}") : null);

        // Embedding: the Gather of a [vocab, hidden] table by the ids input.
        var idsInput = model.Inputs.FirstOrDefault(i => i.ElemType is OnnxDataType.Int64 or OnnxDataType.Int32
            && consumers.GetValueOrDefault(i.Name)?.Any(n => n.OpType == "Gather" && n.Inputs.Count > 1 && n.Inputs[1] == i.Name && inits.ContainsKey(n.Inputs[0])) == true);
        var embedding = idsInput is null ? null
            : consumers[idsInput.Name].Where(n => n.OpType == "Gather" && n.Inputs[1] == idsInput.Name).Select(n => inits.GetValueOrDefault(n.Inputs[0])).FirstOrDefault(t => t is { Dims.Count: 2 });
        GraphValue? hidden = embedding is not null ? new(embedding.Dims[1], $"{embedding.Name} [{Dims(embedding.Dims)}] dim 1")
            : oDims is { } o ? new(o.N, $"{oProj!.Name} weight columns") : null;

        var logits = model.Outputs.FirstOrDefault(o => o.Name == "logits") ?? model.Outputs.FirstOrDefault(o => o.Dims.Count == 3 && !o.Name.Contains("present", StringComparison.Ordinal));
        var lmHead = logits is null ? null : model.Nodes.FirstOrDefault(n => IsMatMul(n) && n.Outputs.Contains(logits.Name));
        var lmDims = lmHead is null ? null : WeightKN(lmHead, inits);
        GraphValue? vocab = StaticDim(logits, 2)
            ?? (embedding is not null ? new GraphValue(embedding.Dims[0], $"{embedding.Name} [{Dims(embedding.Dims)}] dim 0")
            : lmDims is { } lm ? new GraphValue(lm.N, $"{lmHead!.Name} weight columns") : null);

        var down = model.Nodes.FirstOrDefault(n => IsMatMul(n) && n.Name.Contains("layers.0/", StringComparison.Ordinal) && n.Name.Contains("down_proj", StringComparison.Ordinal));
        GraphValue? intermediate = down is not null && WeightKN(down, inits) is { } dd ? new(dd.K, $"{down.Name} weight rows") : null;

        // Rotary cache rows: the cos cache GQA (input 7) or RotaryEmbedding (input 2) reads.
        var rotary = model.Nodes.FirstOrDefault(n => n.OpType == "RotaryEmbedding");
        string cosName = gqa && Arg(first, 7).Length > 0 ? Arg(first, 7) : rotary is not null ? Arg(rotary, 2) : "";
        var cos = inits.GetValueOrDefault(cosName);
        GraphValue? rotaryPositions = cos is { Dims.Count: 2 } ? new(cos.Dims[0], $"{cos.Name} [{Dims(cos.Dims)}] dim 0") : null;

        var (precision, precisionSource) = PrecisionOf(model, inits, embedding, onnxPath);
        var (io, ioSource) = IoOf(pastKey ?? logits, onnxPath);

        return new ModelGraphFacts
        {
            OnnxPath = onnxPath,
            Layers = layers,
            Attention = gqa ? AttentionKind.GroupQuery : AttentionKind.MultiHeadWithPositionIds,
            Heads = heads,
            KvHeads = kvHeads,
            HeadSize = headSize,
            HiddenSize = hidden,
            VocabSize = vocab,
            IntermediateSize = intermediate,
            RotaryPositions = rotaryPositions,
            Precision = precision,
            PrecisionSource = precisionSource,
            Io = io,
            IoSource = ioSource,
            PastInputs = past,
            Inputs = model.Inputs,
            Outputs = model.Outputs,
            ParameterCount = Parameters(model, inits, cos?.Name, rotary is not null ? Arg(rotary, 3) : gqa ? Arg(first, 8) : ""),
        };
    }

    /// <summary>Reads &lt;dir&gt;/&lt;file&gt; (already validated) and returns its facts.</summary>
    public static ModelGraphFacts Read(string onnxPath) => From(OnnxModelInspector.Read(onnxPath), onnxPath);

    private static (WeightPrecision, string) PrecisionOf(OnnxModel model, Dictionary<string, OnnxInitializer> inits, OnnxInitializer? embedding, string path)
    {
        var nbits = model.Nodes.Where(n => n.OpType == "MatMulNBits").ToList();
        if (nbits.Count > 0)
        {
            var bits = nbits.Select(n => Attr(n, "bits") ?? 4).Distinct().ToList();
            if (bits is [4]) return (WeightPrecision.Int4, $"{nbits.Count} MatMulNBits nodes with bits 4");
            throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid,
                $"{path} quantizes weights to {string.Join("/", bits)} bits (MatMulNBits); this harness records fp32, fp16 and int4 weights only");
        }
        var weights = model.Nodes.Where(n => n.OpType == "MatMul" && n.Inputs.Count > 1).Select(n => inits.GetValueOrDefault(n.Inputs[1]))
            .OfType<OnnxInitializer>().ToList();
        if (weights.Count == 0 && embedding is not null) weights.Add(embedding);
        var types = weights.GroupBy(w => w.DataType).OrderByDescending(g => g.Sum(w => w.ElementCount)).ToList();
        if (types.Count == 0)
            throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid, $"{path} has no MatMul weights to tell its precision by; it is not a builder-format decoder");
        var type = types[0].Key;
        string source = $"{types[0].Count()} MatMul weight initializers are {Name(type)}";
        return type switch
        {
            OnnxDataType.Float16 => (WeightPrecision.Fp16, source),
            OnnxDataType.Float => (WeightPrecision.Fp32, source),
            _ => throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid,
                $"{path} has {Name(type)} weights; this harness records fp32, fp16 and int4 weights only"),
        };
    }

    private static (IoDType, string) IoOf(OnnxValueInfo? value, string path) => value?.ElemType switch
    {
        OnnxDataType.Float16 => (IoDType.Float16, $"{value.Name} is float16"),
        OnnxDataType.Float => (IoDType.Float32, $"{value.Name} is float32"),
        null => throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid, $"{path} has neither a past key input nor a logits output to tell its I/O type by"),
        _ => throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid,
            $"{path}: {value.Name} is {Name(value.ElemType)}; this harness runs float32 and float16 I/O only"),
    };

    private static long Parameters(OnnxModel model, Dictionary<string, OnnxInitializer> inits, string? cos, string sin)
    {
        var quantized = new HashSet<string>(StringComparer.Ordinal);
        long count = 0;
        foreach (var n in model.Nodes.Where(n => n.OpType == "MatMulNBits"))
        {
            foreach (var i in n.Inputs.Skip(1)) quantized.Add(i);
            if (Attr(n, "K") is long k && Attr(n, "N") is long nn) count += k * nn;
        }
        foreach (var t in inits.Values)
        {
            if (quantized.Contains(t.Name) || t.Name == cos || t.Name == sin) continue;
            if (t.DataType is OnnxDataType.Float or OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Double) count += t.ElementCount;
        }
        return count;
    }

    private static bool IsMatMul(OnnxNode n) => n.OpType is "MatMul" or "MatMulNBits";

    /// <summary>K (rows) and N (columns) of a MatMul's constant weight, or of a MatMulNBits node's attributes.</summary>
    private static (long K, long N)? WeightKN(OnnxNode n, Dictionary<string, OnnxInitializer> inits)
    {
        if (n.OpType == "MatMulNBits") return Attr(n, "K") is long k && Attr(n, "N") is long nn ? (k, nn) : null;
        return n.Inputs.Count > 1 && inits.GetValueOrDefault(n.Inputs[1]) is { Dims.Count: 2 } w ? (w.Dims[0], w.Dims[1]) : null;
    }

    private static GraphValue? StaticDim(OnnxValueInfo? v, int index) =>
        v is not null && index < v.Dims.Count && v.Dims[index].Value is long d and > 0 ? new(d, $"{v.Name} dim {index}") : null;

    private static long? Attr(OnnxNode n, string name) => n.Attribute(name)?.Value as long?;

    private static string Arg(OnnxNode n, int i) => i < n.Inputs.Count ? n.Inputs[i] : "";

    private static string Dims(IEnumerable<long> dims) => string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    private static string Name(OnnxDataType t) => t switch
    {
        OnnxDataType.Float => "float32", OnnxDataType.Float16 => "float16", OnnxDataType.BFloat16 => "bfloat16", OnnxDataType.Double => "float64",
        _ => t.ToString().ToLowerInvariant(),
    };
}

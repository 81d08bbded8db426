using InferenceEconomics.Models.Onnx;

namespace InferenceEconomics.Models.Synthetic;

/// <summary>A planned initializer: its declaration and how its bytes are made.</summary>
internal sealed record PlannedTensor(string Name, OnnxDataType DataType, long[] Dims, WeightContent Content)
{
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);
    public long ByteSize => ElementCount * OnnxDataTypes.Size(DataType);
}

/// <summary>
/// Lays out the graph onnxruntime-genai's model builder emits for a Llama-style decoder
/// (the official builder, onnxruntime-genai builders/base.py): GQA with fused rotary, packed QKV, Simplified/Skip-
/// SimplifiedLayerNormalization, SiLU MLP, lm_head; int4 MatMulNBits when asked. Names follow the builder.
/// </summary>
internal sealed class LlamaGraph
{
    public const int BlockSize = 32;
    private const string Ms = "com.microsoft";
    private const string ConstAxes = "/model/constants/INT64/[1]";
    private const string ConstOne = "/model/constants/INT64/1";

    private readonly SyntheticSpec _spec;
    private readonly ModelShape _s;
    private readonly OnnxDataType _io;
    private readonly bool _half;
    private readonly List<OnnxNode> _nodes = [];
    public List<PlannedTensor> Tensors { get; } = [];
    public List<OnnxValueInfo> Inputs { get; } = [];
    public List<OnnxValueInfo> Outputs { get; } = [];
    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    public LlamaGraph(SyntheticSpec spec)
    {
        _spec = spec;
        _s = spec.Shape;
        _half = spec.Io == IoDType.Float16;
        _io = _half ? OnnxDataType.Float16 : OnnxDataType.Float;
        Build();
    }

    private void Build()
    {
        var s = _s;
        Inputs.Add(new("input_ids", OnnxDataType.Int64, ["batch_size", "sequence_length"]));
        Inputs.Add(new("attention_mask", OnnxDataType.Int64, ["batch_size", "total_sequence_length"]));
        Outputs.Add(new("logits", _io, ["batch_size", "sequence_length", s.VocabSize]));
        for (int l = 0; l < s.Layers; l++)
        {
            Inputs.Add(new($"past_key_values.{l}.key", _io, ["batch_size", s.KvHeads, "past_sequence_length", s.HeadSize]));
            Inputs.Add(new($"past_key_values.{l}.value", _io, ["batch_size", s.KvHeads, "past_sequence_length", s.HeadSize]));
            Outputs.Add(new($"present.{l}.key", _io, ["batch_size", s.KvHeads, "total_sequence_length", s.HeadSize]));
            Outputs.Add(new($"present.{l}.value", _io, ["batch_size", s.KvHeads, "total_sequence_length", s.HeadSize]));
        }

        // Embedding (Gather is never quantized by the builder: it quantizes MatMul only).
        Tensor("model.embed_tokens.weight", _io, [s.VocabSize, s.HiddenSize], new UniformWeights(1f, _half));
        string hidden = Node("Gather", "/model/embed_tokens/Gather", ["model.embed_tokens.weight", "input_ids"]);

        // seqlens_k = int32(ReduceSum(mask, axes=[1]) - 1); total_sequence_length = int32(Shape(mask)[1]).
        // Small constants are Constant nodes (as the builder makes them): shape inference needs their values inline.
        Node("Constant", ConstAxes, [], attrs: [new("value", OnnxTensorValue.Int64([1], 1))], output: ConstAxes);
        Node("Constant", ConstOne, [], attrs: [new("value", OnnxTensorValue.Int64([], 1))], output: ConstOne);
        const string m = "/model/attn_mask_reformat/attn_mask_subgraph";
        string sum = Node("ReduceSum", $"{m}/ReduceSum", ["attention_mask", ConstAxes], attrs: [new("keepdims", 0L)]);
        string sub = Node("Sub", $"{m}/Sub", [sum, ConstOne]);
        string seqlensK = Node("Cast", $"{m}/Sub/Cast", [sub], attrs: [new("to", (long)OnnxDataType.Int32)]);
        string shape = Node("Shape", $"{m}/Shape", ["attention_mask"]);
        string gather = Node("Gather", $"{m}/Gather", [shape, ConstOne], attrs: [new("axis", 0L)]);
        string totalLen = Node("Cast", $"{m}/Gather/Cast", [gather], attrs: [new("to", (long)OnnxDataType.Int32)]);

        Tensor("cos_cache", _io, [s.ContextLength, s.HeadSize / 2], new RotaryCache(s.HeadSize, s.RopeTheta, Sin: false, _half));
        Tensor("sin_cache", _io, [s.ContextLength, s.HeadSize / 2], new RotaryCache(s.HeadSize, s.RopeTheta, Sin: true, _half));

        float eps = (float)s.RmsNormEps;
        string residual = hidden, pendingSkip = "";
        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"/model/layers.{l}";
            string w = $"model.layers.{l}";
            string normed;
            Tensor($"{w}.input_layernorm.weight", _io, [s.HiddenSize], new ConstantWeights(1f, _half));
            if (l == 0)
            {
                normed = Node("SimplifiedLayerNormalization", $"{p}/input_layernorm/LayerNorm", [residual, $"{w}.input_layernorm.weight"],
                    attrs: [new("axis", -1L), new("epsilon", eps), new("stash_type", 1L)]);
            }
            else
            {
                (normed, residual) = SkipNorm($"{p}/input_layernorm/SkipLayerNorm", residual, pendingSkip, $"{w}.input_layernorm.weight", eps);
            }

            string qkv = MatMul($"{p}/attn/qkv_proj/MatMul", $"{w}.attn.qkv_proj.MatMul.weight", normed, s.HiddenSize, s.QSize + 2 * s.KvSize);
            string attn = $"{p}/attn/GroupQueryAttention/output_0";
            _nodes.Add(new OnnxNode("GroupQueryAttention", $"{p}/attn/GroupQueryAttention",
                [qkv, "", "", $"past_key_values.{l}.key", $"past_key_values.{l}.value", seqlensK, totalLen, "cos_cache", "sin_cache"],
                [attn, $"present.{l}.key", $"present.{l}.value"], Ms,
                [new("num_heads", (long)s.Heads), new("kv_num_heads", (long)s.KvHeads), new("scale", (float)(1.0 / Math.Sqrt(s.HeadSize))),
                 new("local_window_size", -1L), new("softcap", 0f), new("do_rotary", 1L), new("rotary_interleaved", 0L)]));
            string o = MatMul($"{p}/attn/o_proj/MatMul", $"{w}.attn.o_proj.MatMul.weight", attn, s.QSize, s.HiddenSize);

            Tensor($"{w}.post_attention_layernorm.weight", _io, [s.HiddenSize], new ConstantWeights(1f, _half));
            (string mlpIn, residual) = SkipNorm($"{p}/post_attention_layernorm/SkipLayerNorm", residual, o, $"{w}.post_attention_layernorm.weight", eps);

            string gate = MatMul($"{p}/mlp/gate_proj/MatMul", $"{w}.mlp.gate_proj.MatMul.weight", mlpIn, s.HiddenSize, s.IntermediateSize);
            string up = MatMul($"{p}/mlp/up_proj/MatMul", $"{w}.mlp.up_proj.MatMul.weight", mlpIn, s.HiddenSize, s.IntermediateSize);
            string sig = Node("Sigmoid", $"{p}/mlp/act_fn/Sigmoid", [gate]);
            string silu = Node("Mul", $"{p}/mlp/act_fn/Mul", [gate, sig]);
            string prod = Node("Mul", $"{p}/mlp/Mul", [silu, up]);
            pendingSkip = MatMul($"{p}/mlp/down_proj/MatMul", $"{w}.mlp.down_proj.MatMul.weight", prod, s.IntermediateSize, s.HiddenSize);
        }

        string fw = $"model.layers.{s.Layers}.final_norm_layernorm.weight";
        Tensor(fw, _io, [s.HiddenSize], new ConstantWeights(1f, _half));
        string final = $"/model/layers.{s.Layers}/final_norm_layernorm/output_0";
        _nodes.Add(new OnnxNode("SkipSimplifiedLayerNormalization", $"/model/layers.{s.Layers}/final_norm_layernorm/SkipLayerNorm",
            [residual, pendingSkip, fw], [final], Ms, [new("epsilon", eps)]));
        MatMul("/lm_head/MatMul", "lm_head.MatMul.weight", final, s.HiddenSize, s.VocabSize, output: "logits");
    }

    private (string Out, string Residual) SkipNorm(string name, string input, string skip, string weight, float eps)
    {
        string out0 = $"{name}/output_0", out3 = $"{name}/output_3";
        _nodes.Add(new OnnxNode("SkipSimplifiedLayerNormalization", name, [input, skip, weight], [out0, "", "", out3], Ms, [new("epsilon", eps)]));
        return (out0, out3);
    }

    /// <summary>A MatMul by a constant [K, N] weight: plain MatMul, or MatMulNBits for int4.</summary>
    private string MatMul(string name, string weight, string input, int k, int n, string? output = null)
    {
        if (_spec.Precision != WeightPrecision.Int4)
        {
            // Var(w) = 1/K keeps each output's variance near its input's: activations stay O(1) in fp16.
            Tensor(weight, _io, [k, n], new UniformWeights((float)Math.Sqrt(3.0 / k), _half));
            return Node("MatMul", name, [input, weight], output: output);
        }
        // q - 8 takes -7..7 with 0 doubled (RandomNibbles): E[(q-8)^2] = 2 * 140 / 16 = 17.5; scale so Var(w) is about 1/K.
        float scale = (float)(1.0 / Math.Sqrt(17.5 * k));
        var (bDims, scaleDims) = Int4Layout(k, n);
        Tensor($"{weight}_Q4", OnnxDataType.UInt8, bDims, new RandomNibbles());
        Tensor($"{weight}_scales", _io, scaleDims, new UniformWeights(scale / 4, _half, Center: scale));
        return Node("MatMulNBits", name + "_Q4", [input, $"{weight}_Q4", $"{weight}_scales"], Ms, MatMulNBitsAttributes(k, n, cpu: !_half), output);
    }

    /// <summary>
    /// MatMulNBits storage of a [K, N] weight: B uint8 [N, ceil(K/32), 16] (each block's 32 values along K,
    /// two per byte, first in the low nibble; w = (q - 8) * scale) and scales [N * ceil(K/32)].
    /// </summary>
    internal static (long[] B, long[] Scales) Int4Layout(int k, int n)
    {
        int blocks = (k + BlockSize - 1) / BlockSize;
        return ([n, blocks, BlockSize / 2], [(long)n * blocks]);
    }

    internal static List<OnnxAttribute> MatMulNBitsAttributes(int k, int n, bool cpu)
    {
        var attrs = new List<OnnxAttribute> { new("K", (long)k), new("N", (long)n), new("bits", 4L), new("block_size", (long)BlockSize) };
        if (cpu) attrs.Add(new("accuracy_level", 4L)); // the builder sets it for CPU only
        return attrs;
    }

    private string Node(string op, string name, string[] inputs, string domain = "", IReadOnlyList<OnnxAttribute>? attrs = null, string? output = null)
    {
        string o = output ?? $"{name}/output_0";
        _nodes.Add(new OnnxNode(op, name, inputs, [o], domain, attrs ?? []));
        return o;
    }

    private void Tensor(string name, OnnxDataType type, long[] dims, WeightContent content) =>
        Tensors.Add(new PlannedTensor(name, type, dims, content));
}

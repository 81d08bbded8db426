using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceEconomics.Common;

namespace InferenceEconomics.Models.Synthetic;

/// <summary>What synthetic.json says: the folder's weights are random, and how they were made.</summary>
public sealed record SyntheticManifest(string? Preset, int Seed, WeightPrecision Precision, IoDType Io, ModelShape Shape, string ToolVersion, int FormatVersion);

/// <summary>The JSON files beside a synthetic model: genai_config.json (builder layout) and synthetic.json.</summary>
internal static class SyntheticFiles
{
    public const string ManifestFileName = "synthetic.json";
    public const int BosTokenId = 1, EosTokenId = 2, PadTokenId = 2;
    /// <summary>search.max_length written to genai_config.json; GQA's shared KV buffer is sized by it, so keep it modest.</summary>
    public const int MaxSearchLength = 2048;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    internal static void WriteGenAiConfig(SyntheticSpec spec, string dir)
    {
        var s = spec.Shape;
        // The CUDA form (fp16 I/O) names the cuda provider as the builder does; CPU leaves the list empty.
        var providers = new JsonArray();
        if (spec.Io == IoDType.Float16) providers.Add(new JsonObject { ["cuda"] = new JsonObject { ["enable_cuda_graph"] = "0" } });
        var root = new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["bos_token_id"] = BosTokenId,
                ["context_length"] = s.ContextLength,
                ["decoder"] = new JsonObject
                {
                    ["session_options"] = new JsonObject { ["log_id"] = "onnxruntime-genai", ["provider_options"] = providers },
                    ["filename"] = SyntheticModelBuilder.OnnxFileName,
                    ["head_size"] = s.HeadSize,
                    ["hidden_size"] = s.HiddenSize,
                    ["inputs"] = new JsonObject
                    {
                        ["input_ids"] = "input_ids",
                        ["attention_mask"] = "attention_mask",
                        ["past_key_names"] = "past_key_values.%d.key",
                        ["past_value_names"] = "past_key_values.%d.value",
                    },
                    ["outputs"] = new JsonObject
                    {
                        ["logits"] = "logits",
                        ["present_key_names"] = "present.%d.key",
                        ["present_value_names"] = "present.%d.value",
                    },
                    ["num_attention_heads"] = s.Heads,
                    ["num_hidden_layers"] = s.Layers,
                    ["num_key_value_heads"] = s.KvHeads,
                },
                ["eos_token_id"] = EosTokenId,
                ["pad_token_id"] = PadTokenId,
                ["type"] = "llama",
                ["vocab_size"] = s.VocabSize,
            },
            ["search"] = new JsonObject
            {
                ["diversity_penalty"] = 0.0,
                ["do_sample"] = false,
                ["early_stopping"] = true,
                ["length_penalty"] = 1.0,
                ["max_length"] = Math.Min(s.ContextLength, MaxSearchLength),
                ["min_length"] = 0,
                ["no_repeat_ngram_size"] = 0,
                ["num_beams"] = 1,
                ["num_return_sequences"] = 1,
                ["past_present_share_buffer"] = true,
                ["repetition_penalty"] = 1.0,
                ["temperature"] = 1.0,
                ["top_k"] = 50,
                ["top_p"] = 1.0,
            },
        };
        File.WriteAllText(Path.Combine(dir, GenAiConfig.FileName), root.ToJsonString(Indented));
    }

    internal static void WriteManifest(SyntheticSpec spec, string dir)
    {
        var s = spec.Shape;
        var root = new JsonObject
        {
            ["synthetic"] = true,
            ["note"] = "random weights of a real shape: for throughput and cost measurement only; generated text is meaningless",
            ["preset"] = spec.PresetName,
            ["seed"] = spec.Seed,
            ["precision"] = SyntheticSpec.PrecisionName(spec.Precision),
            ["io_dtype"] = SyntheticSpec.IoName(spec.Io),
            ["shape"] = new JsonObject
            {
                ["layers"] = s.Layers, ["hidden_size"] = s.HiddenSize, ["heads"] = s.Heads, ["kv_heads"] = s.KvHeads,
                ["intermediate_size"] = s.IntermediateSize, ["vocab_size"] = s.VocabSize, ["context_length"] = s.ContextLength,
                ["rope_theta"] = s.RopeTheta, ["rms_norm_eps"] = s.RmsNormEps,
            },
            ["parameter_count"] = s.ParameterCount,
            ["tool"] = "InferenceEconomics",
            ["tool_version"] = ToolVersion.Version,
            ["format_version"] = SyntheticModelBuilder.FormatVersion,
            ["spec_hash"] = spec.Hash(),
        };
        File.WriteAllText(Path.Combine(dir, ManifestFileName), root.ToJsonString(Indented));
    }

    /// <summary>The manifest of a synthetic model folder; null when the folder holds no synthetic.json (real weights).</summary>
    public static SyntheticManifest? TryReadManifest(string dir)
    {
        var path = Path.Combine(dir, ManifestFileName);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))!;
            var sh = root["shape"]!;
            var shape = new ModelShape(
                sh["layers"]!.GetValue<int>(), sh["hidden_size"]!.GetValue<int>(), sh["heads"]!.GetValue<int>(), sh["kv_heads"]!.GetValue<int>(),
                sh["intermediate_size"]!.GetValue<int>(), sh["vocab_size"]!.GetValue<int>(), sh["context_length"]!.GetValue<int>(),
                sh["rope_theta"]!.GetValue<double>(), sh["rms_norm_eps"]!.GetValue<double>());
            return new SyntheticManifest(
                root["preset"]?.GetValue<string>(), root["seed"]!.GetValue<int>(),
                SyntheticSpec.ParsePrecision(root["precision"]!.GetValue<string>()), SyntheticSpec.ParseIo(root["io_dtype"]!.GetValue<string>()),
                shape, root["tool_version"]?.GetValue<string>() ?? "", root["format_version"]?.GetValue<int>() ?? 0);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or InferenceEconomicsException)
        {
            throw new InferenceEconomicsException(ErrorKind.ModelConfigInvalid, $"{path} is malformed ({e.Message.Split('\n')[0]}); delete the folder and regenerate it with ./run.sh models synth", e);
        }
    }
}

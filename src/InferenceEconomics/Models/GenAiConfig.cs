using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceEconomics.Models;

/// <summary>
/// The parts of an onnxruntime-genai genai_config.json that the harness needs (decoder-only).
/// Reading is strict about what the engines rely on and reports the file and position on error.
/// </summary>
public sealed record GenAiConfig
{
    public const string FileName = "genai_config.json";

    public required string ModelType { get; init; }
    public required int ContextLength { get; init; }
    public required int VocabSize { get; init; }
    public required int HeadSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required string Filename { get; init; }
    public required int BosTokenId { get; init; }
    public required IReadOnlyList<int> EosTokenIds { get; init; }
    public required int PadTokenId { get; init; }
    // I/O names (defaults as in GenAI's config.h).
    public string InputIdsName { get; init; } = "input_ids";
    public string AttentionMaskName { get; init; } = "attention_mask";
    /// <summary>Null when the config declares no position_ids input (GQA models).</summary>
    public string? PositionIdsName { get; init; }
    public string PastKeyNames { get; init; } = "past_key_values.%d.key";
    public string PastValueNames { get; init; } = "past_key_values.%d.value";
    public string LogitsName { get; init; } = "logits";
    public string PresentKeyNames { get; init; } = "present.%d.key";
    public string PresentValueNames { get; init; } = "present.%d.value";
    /// <summary>search.past_present_share_buffer (GQA models write true).</summary>
    public bool PastPresentShareBuffer { get; init; }
    /// <summary>Provider names listed in session_options.provider_options (empty = CPU).</summary>
    public IReadOnlyList<string> Providers { get; init; } = [];

    public static string PastKeyName(string pattern, int layer) => pattern.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Reads &lt;dir&gt;/genai_config.json. Errors: ModelNotFound (no folder), ModelConfigInvalid (missing/malformed file).</summary>
    public static GenAiConfig Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new InferenceEconomicsException(ErrorKind.ModelNotFound, $"model folder '{directory}' does not exist; give a folder with genai_config.json, an alias from models/models.json, or synthetic:<preset>");
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new InferenceEconomicsException(ErrorKind.ModelConfigInvalid, $"'{directory}' has no {FileName}; point --model at a folder made by onnxruntime-genai's model builder (or use synthetic:<preset>)");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new InferenceEconomicsException(ErrorKind.ModelConfigMalformed, $"{path}: malformed JSON at {Common.JsonErrorText.Where(e)}: {Common.JsonErrorText.Reason(e)}; fix or regenerate the file", e);
        }
        return Parse(root, path);
    }

    internal static GenAiConfig Parse(JsonNode? root, string path)
    {
        var model = root?["model"] as JsonObject ?? throw Invalid(path, "has no \"model\" object");
        var decoder = model["decoder"] as JsonObject ?? throw Invalid(path, "has no \"model.decoder\" object");
        var inputs = decoder["inputs"] as JsonObject;
        var outputs = decoder["outputs"] as JsonObject;
        var search = root!["search"] as JsonObject;

        int head = Int(decoder, "head_size", path, "model.decoder");
        int heads = OptInt(decoder, "num_attention_heads") ?? 0;
        var eos = model["eos_token_id"] switch
        {
            JsonArray a => a.Select(n => n!.GetValue<int>()).ToArray(),
            JsonValue v => [v.GetValue<int>()],
            _ => throw Invalid(path, "has no model.eos_token_id"),
        };
        var providers = new List<string>();
        if (decoder["session_options"]?["provider_options"] is JsonArray po)
            foreach (var p in po.OfType<JsonObject>())
                providers.AddRange(p.Select(kv => kv.Key));

        var cfg = new GenAiConfig
        {
            ModelType = Str(model, "type", path, "model"),
            ContextLength = Int(model, "context_length", path, "model"),
            VocabSize = Int(model, "vocab_size", path, "model"),
            HeadSize = head,
            HiddenSize = OptInt(decoder, "hidden_size") ?? head * heads,
            NumAttentionHeads = heads,
            NumKeyValueHeads = Int(decoder, "num_key_value_heads", path, "model.decoder"),
            NumHiddenLayers = Int(decoder, "num_hidden_layers", path, "model.decoder"),
            Filename = Str(decoder, "filename", path, "model.decoder"),
            BosTokenId = OptInt(model, "bos_token_id") ?? 1,
            EosTokenIds = eos,
            PadTokenId = OptInt(model, "pad_token_id") ?? eos[0],
            InputIdsName = inputs?["input_ids"]?.GetValue<string>() ?? "input_ids",
            AttentionMaskName = inputs?["attention_mask"]?.GetValue<string>() ?? "attention_mask",
            PositionIdsName = inputs?["position_ids"]?.GetValue<string>(),
            PastKeyNames = inputs?["past_key_names"]?.GetValue<string>() ?? "past_key_values.%d.key",
            PastValueNames = inputs?["past_value_names"]?.GetValue<string>() ?? "past_key_values.%d.value",
            LogitsName = outputs?["logits"]?.GetValue<string>() ?? "logits",
            PresentKeyNames = outputs?["present_key_names"]?.GetValue<string>() ?? "present.%d.key",
            PresentValueNames = outputs?["present_value_names"]?.GetValue<string>() ?? "present.%d.value",
            PastPresentShareBuffer = search?["past_present_share_buffer"]?.GetValue<bool>() ?? false,
            Providers = providers,
        };
        if (cfg.ContextLength <= 0 || cfg.VocabSize <= 0 || cfg.NumHiddenLayers <= 0 || cfg.NumKeyValueHeads <= 0 || cfg.HeadSize <= 0)
            throw Invalid(path, "has a non-positive context_length, vocab_size, num_hidden_layers, num_key_value_heads or head_size");
        if (cfg.EosTokenIds.Any(e => e < 0 || e >= cfg.VocabSize))
            throw Invalid(path, $"has an eos_token_id outside the vocabulary (vocab_size {cfg.VocabSize})");
        return cfg;
    }

    private static InferenceEconomicsException Invalid(string path, string what) =>
        new(ErrorKind.ModelConfigInvalid, $"{path} {what}; regenerate it with the model builder or fix the field");

    private static int Int(JsonObject o, string key, string path, string where)
    {
        try { return o[key]?.GetValue<int>() ?? throw Invalid(path, $"is missing {where}.{key}"); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        { throw Invalid(path, $"has a non-integer {where}.{key}"); }
    }

    private static int? OptInt(JsonObject o, string key)
    {
        try { return o[key]?.GetValue<int>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException) { return null; }
    }

    private static string Str(JsonObject o, string key, string path, string where)
    {
        try { return o[key]?.GetValue<string>() ?? throw Invalid(path, $"is missing {where}.{key}"); }
        catch (InvalidOperationException) { throw Invalid(path, $"has a non-string {where}.{key}"); }
    }
}

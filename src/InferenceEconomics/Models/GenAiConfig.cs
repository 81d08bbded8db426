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

    /// <summary>
    /// Reads &lt;dir&gt;/genai_config.json. Errors: ModelNotFound (no folder), FileAccess (unreadable, a file where the
    /// folder belongs, a link loop), ModelConfigInvalid (missing file, a missing field or one of the wrong JSON type,
    /// a count that is not positive), ModelConfigMalformed (not JSON).
    /// </summary>
    public static GenAiConfig Load(string directory)
    {
        ModelFileAccess.RequireFolder(directory, ErrorKind.ModelNotFound,
            $"model folder '{directory}' does not exist; give a folder with genai_config.json, an alias from models/models.json, or synthetic:<preset>");
        var path = Path.Combine(directory, FileName);
        ModelFileAccess.RequireReadableFile(path, ErrorKind.ModelConfigInvalid,
            $"'{directory}' has no {FileName}; point --model at a folder made by onnxruntime-genai's model builder (or use synthetic:<preset>)");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw ModelFileAccess.CannotRead(path, "file", e.Message, e); }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new InferenceEconomicsException(ErrorKind.ModelConfigMalformed, $"{path}: malformed JSON at {Common.JsonErrorText.Where(e)}: {Common.JsonErrorText.Reason(e)}; fix or regenerate the file", e);
        }
        return Parse(root, path);
    }

    /// <summary>
    /// Strict reading: every field the harness or the engines use must have its JSON type (a string is not a
    /// number, null is not a value) and every count must be positive; the first problem names the field.
    /// </summary>
    internal static GenAiConfig Parse(JsonNode? root, string path)
    {
        var r = new GenAiConfigReader(path);
        var top = r.Object(root, "(top level)") ?? throw r.Error("(top level)", root, "must be a JSON object");
        var model = r.Object(top["model"], "model") ?? throw r.Missing("model", "an object");
        var decoder = r.Object(model["decoder"], "model.decoder") ?? throw r.Missing("model.decoder", "an object");
        var inputs = r.Object(decoder["inputs"], "model.decoder.inputs");
        var outputs = r.Object(decoder["outputs"], "model.decoder.outputs");
        var search = r.Object(top["search"], "search");

        int vocab = r.PositiveInt(model, "vocab_size", "model");
        int head = r.PositiveInt(decoder, "head_size", "model.decoder");
        int heads = r.OptPositiveInt(decoder, "num_attention_heads", "model.decoder") ?? 0;
        var eos = r.TokenIds(model, "eos_token_id", "model", vocab);
        var providers = new List<string>();
        var sessionOptions = r.Object(decoder["session_options"], "model.decoder.session_options");
        if (sessionOptions?["provider_options"] is { } po)
        {
            if (po is not JsonArray list) throw r.Error("model.decoder.session_options.provider_options", po, "must be an array of objects");
            foreach (var p in list)
                providers.AddRange((r.Object(p, "model.decoder.session_options.provider_options[]")
                    ?? throw r.Error("model.decoder.session_options.provider_options[]", p, "must be an object")).Select(kv => kv.Key));
        }

        var cfg = new GenAiConfig
        {
            ModelType = r.String(model, "type", "model"),
            ContextLength = r.PositiveInt(model, "context_length", "model"),
            VocabSize = vocab,
            HeadSize = head,
            HiddenSize = r.OptPositiveInt(decoder, "hidden_size", "model.decoder") ?? head * heads,
            NumAttentionHeads = heads,
            NumKeyValueHeads = r.PositiveInt(decoder, "num_key_value_heads", "model.decoder"),
            NumHiddenLayers = r.PositiveInt(decoder, "num_hidden_layers", "model.decoder"),
            Filename = r.String(decoder, "filename", "model.decoder"),
            BosTokenId = r.OptTokenId(model, "bos_token_id", "model") ?? 1,
            EosTokenIds = eos,
            PadTokenId = r.OptTokenId(model, "pad_token_id", "model") ?? eos[0],
            InputIdsName = r.OptString(inputs, "input_ids", "model.decoder.inputs") ?? "input_ids",
            AttentionMaskName = r.OptString(inputs, "attention_mask", "model.decoder.inputs") ?? "attention_mask",
            PositionIdsName = r.OptString(inputs, "position_ids", "model.decoder.inputs"),
            PastKeyNames = r.OptPattern(inputs, "past_key_names", "model.decoder.inputs") ?? "past_key_values.%d.key",
            PastValueNames = r.OptPattern(inputs, "past_value_names", "model.decoder.inputs") ?? "past_key_values.%d.value",
            LogitsName = r.OptString(outputs, "logits", "model.decoder.outputs") ?? "logits",
            PresentKeyNames = r.OptPattern(outputs, "present_key_names", "model.decoder.outputs") ?? "present.%d.key",
            PresentValueNames = r.OptPattern(outputs, "present_value_names", "model.decoder.outputs") ?? "present.%d.value",
            PastPresentShareBuffer = r.OptBool(search, "past_present_share_buffer", "search") ?? false,
            Providers = providers,
        };
        return cfg;
    }
}

using System.Globalization;

namespace InferenceEconomics.Models;

/// <summary>
/// genai_config.json against the graph it describes. The graph is the truth: every number or name the config
/// states that the graph contradicts is a <see cref="ValidationError"/> (Kind ModelConfigInvalid, exit 4), found
/// before any engine loads the model, so that no result ever records the config's lie.
/// </summary>
internal static class ConfigGraphCheck
{
    public const string Hint = "fix the config or the model";

    /// <summary>Every disagreement, in a fixed order: counts first, then I/O names.</summary>
    public static IReadOnlyList<ValidationError> Check(GenAiConfig c, ModelGraphFacts g)
    {
        var errors = new List<ValidationError>();
        void Count(string field, long configValue, GraphValue? graph)
        {
            if (graph is not null && graph.Value != configValue)
                errors.Add(new ValidationError(field, Text(configValue), $"the graph has {graph.Value} ({graph.Source})", Hint, ErrorKind.ModelConfigInvalid));
        }
        void Name(string field, string configName, string graphSays) =>
            errors.Add(new ValidationError(field, configName, graphSays, Hint, ErrorKind.ModelConfigInvalid));

        Count("num_hidden_layers", c.NumHiddenLayers, g.Layers);
        Count("num_key_value_heads", c.NumKeyValueHeads, g.KvHeads);
        if (c.NumAttentionHeads > 0) Count("num_attention_heads", c.NumAttentionHeads, g.Heads);
        Count("head_size", c.HeadSize, g.HeadSize);
        Count("hidden_size", c.HiddenSize, g.HiddenSize);
        Count("vocab_size", c.VocabSize, g.VocabSize);
        if (g.RotaryPositions is { } rot && c.ContextLength > rot.Value)
            errors.Add(new ValidationError("context_length", Text(c.ContextLength),
                $"the graph holds rotary positions for {rot.Value} tokens only ({rot.Source})", Hint, ErrorKind.ModelConfigInvalid));

        var inputs = g.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var outputs = g.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        string InputList() => string.Join(", ", g.Inputs.Take(6).Select(i => i.Name)) + (g.Inputs.Count > 6 ? ", ..." : "");
        var named = new HashSet<string>(StringComparer.Ordinal);
        // For a per-layer pattern the config's value is the pattern; the reason names the layer's input or output.
        void Input(string field, string name, string? pattern = null)
        {
            named.Add(name);
            if (!inputs.Contains(name)) Name(field, pattern ?? name, $"the graph has no input '{name}' (its inputs: {InputList()})");
        }
        void Output(string field, string name, string? pattern = null)
        {
            if (!outputs.Contains(name)) Name(field, pattern ?? name, $"the graph has no output '{name}'");
        }

        Input("inputs.input_ids", c.InputIdsName);
        Input("inputs.attention_mask", c.AttentionMaskName);
        if (c.PositionIdsName is { } pos) Input("inputs.position_ids", pos);
        // Per layer, the config's names must be the inputs the graph's attention nodes read.
        int layers = (int)Math.Min(c.NumHiddenLayers, g.Layers.Value);
        for (int l = 0; l < layers; l++)
        {
            string key = GenAiConfig.PastKeyName(c.PastKeyNames, l), value = GenAiConfig.PastKeyName(c.PastValueNames, l);
            var (graphKey, graphValue) = g.PastInputs[l];
            if (key != graphKey && inputs.Contains(graphKey)) { named.Add(key); Name("inputs.past_key_names", c.PastKeyNames, $"layer {l}'s past key is the graph input '{graphKey}', not '{key}'"); }
            else Input("inputs.past_key_names", key, c.PastKeyNames);
            if (value != graphValue && inputs.Contains(graphValue)) { named.Add(value); Name("inputs.past_value_names", c.PastValueNames, $"layer {l}'s past value is the graph input '{graphValue}', not '{value}'"); }
            else Input("inputs.past_value_names", value, c.PastValueNames);
            Output("outputs.present_key_names", GenAiConfig.PastKeyName(c.PresentKeyNames, l), c.PresentKeyNames);
            Output("outputs.present_value_names", GenAiConfig.PastKeyName(c.PresentValueNames, l), c.PresentValueNames);
        }
        Output("outputs.logits", c.LogitsName);
        // Graph inputs the config does not name would never be fed (GenAI feeds only what the config names).
        if (c.PositionIdsName is null && inputs.Contains("position_ids"))
            Name("inputs.position_ids", "(not set)", "the graph has an input 'position_ids' that the config does not name");
        else if (layers == g.Layers.Value)
        {
            var extra = g.Inputs.Select(i => i.Name).Where(n => !named.Contains(n)).ToList();
            if (extra.Count > 0 && errors.Count == 0)
                Name("inputs", string.Join(", ", extra), "the graph has inputs that genai_config.json does not name; they would never be fed");
        }
        // A wrong name pattern fails on every layer: its first layer says it.
        return errors.DistinctBy(e => e.Field).ToList();
    }

    /// <summary>Throws a <see cref="ModelConfigException"/> (exit 4) when the config and the graph disagree.</summary>
    public static void ThrowIfMismatch(GenAiConfig config, ModelGraphFacts graph, string configPath)
    {
        var errors = Check(config, graph);
        if (errors.Count == 0) return;
        var more = errors.Count > 1 ? $" (and {errors.Count - 1} more: {string.Join(", ", errors.Skip(1).Select(e => e.Field).Distinct())})" : "";
        throw new ModelConfigException($"{Describe(errors[0], configPath)}{more}", errors);
    }

    /// <summary>"genai_config.json says num_key_value_heads 8, the graph has 4 (past_key_values.0.key dim 1); fix the config or the model".</summary>
    public static string Describe(ValidationError e, string configPath) =>
        $"{configPath} says {e.Field} {e.Value}, {e.Reason}; {e.Hint}";

    private static string Text(long v) => v.ToString(CultureInfo.InvariantCulture);
}

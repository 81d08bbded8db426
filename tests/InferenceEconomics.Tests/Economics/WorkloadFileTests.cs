using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Economics;

/// <summary>Workload files: strict parsing, one line naming the file and the JSON path; the built-in profiles in the same format.</summary>
public class WorkloadFileTests
{
    private const string Head = """{ "format": "inference-economics/workload", "version": 1, "workloads": [ """;

    private static InferenceEconomicsException Bad(string workloads) =>
        Assert.Throws<InferenceEconomicsException>(() => WorkloadFiles.Parse(Head + workloads + " ] }", "my.json"));

    [Fact]
    public void Built_in_profiles_are_read_from_the_same_format()
    {
        var chat = Workloads.Find("chat");
        Assert.Equal("request", chat.Kind);
        // 1,000 input with a 30% cached prefix -> 300 cached tokens (the profile table in docs/economics.md).
        Assert.Equal(new WorkloadSpec("chat", 1000, 300, 1000, 0), chat.ToSpec());
        Assert.Equal(2000, Workloads.Find("support-bot").ToSpec().CachedInputTokens); // 2,500 x 0.8
        Assert.Equal("conversation", Workloads.Find("chat-conversation").Kind);
        Assert.Equal("task", Workloads.Find("coding-agent").Kind);
        Assert.Equal(["chat", "support-bot", "rag", "reasoning-agent", "summarization"], Workloads.All.Where(w => w.Kind == "request").Select(w => w.Name));
    }

    [Fact]
    public void A_user_file_with_one_workload_loads_by_path()
    {
        using var dir = new TempDir();
        var path = dir.File("conv.json");
        File.WriteAllText(path, Head + """{ "name": "c", "conversation": { "system_prompt_tokens": 10, "turns": [ { "user_tokens": 5, "assistant_tokens": 7 } ] } } ] }""");
        Assert.True(WorkloadFiles.LooksLikeFile(path));
        var w = Workloads.Resolve(path);
        Assert.Equal("conversation", w.Kind);
        Assert.Equal(ConversationShape.DefaultTurnSpacingSeconds, w.Conversation!.TurnSpacingSeconds);
        Assert.Equal(15, ConversationMath.Turns(w.Conversation)[0].ContextTokens);
    }

    [Fact]
    public void Errors_name_the_file_and_the_json_path()
    {
        var e = Bad("""{ "name": "x", "request": { "input_tokens": 10, "output_tokens": 5, "colour": 1 } }""");
        Assert.Equal(ErrorKind.PriceInvalid, e.Kind);
        Assert.StartsWith("my.json: $.workloads[0].request", e.Message);
        Assert.Contains("colour", e.Message);

        e = Bad("""{ "name": "x", "request": { "input_tokens": "ten", "output_tokens": 5 } }""");
        Assert.StartsWith("my.json: $.workloads[0].request.input_tokens", e.Message);

        e = Bad("""{ "name": "x", "request": { "input_tokens": 10, "output_tokens": 5 } }, { "name": "y", "task": { "calls_per_task": 3, "input_tokens": 10, "output_tokens": 5, "success_rate": 0 } }""");
        Assert.StartsWith("my.json: $.workloads[1].task.success_rate: 0 is outside (0, 1]", e.Message);

        e = Bad("""{ "name": "x", "conversation": { "turns": [ { "user_tokens": 5, "assistant_tokens": 7 }, { "user_tokens": -1, "assistant_tokens": 7 } ] } }""");
        Assert.StartsWith("my.json: $.workloads[0].conversation.turns[1].user_tokens: -1", e.Message);

        e = Bad("""{ "name": "x", "request": { "input_tokens": 10, "output_tokens": 5 }, "task": { "calls_per_task": 1, "input_tokens": 1, "output_tokens": 1 } }""");
        Assert.Contains("give exactly one", e.Message);

        e = Bad("""{ "name": "x", "request": { "input_tokens": 10, "output_tokens": 5, "cached_prefix_share": 1.5 } }""");
        Assert.StartsWith("my.json: $.workloads[0].request.cached_prefix_share: 1.5 is outside [0, 1]", e.Message);

        e = Bad("""{ "name": "x", "conversation": { "turn_spacing_seconds": NaN, "turns": [ { "user_tokens": 5, "assistant_tokens": 7 } ] } }""");
        Assert.StartsWith("my.json: $.workloads[0].conversation.turn_spacing_seconds", e.Message);

        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_file_and_a_file_of_several_workloads_say_what_to_do()
    {
        var e = Assert.Throws<InferenceEconomicsException>(() => Workloads.Resolve("nowhere/w.json"));
        Assert.Contains("does not exist", e.Message);
        using var dir = new TempDir();
        var path = dir.File("two.json");
        File.WriteAllText(path, Head + """{ "name": "a", "request": { "input_tokens": 10, "output_tokens": 5 } }, { "name": "b", "request": { "input_tokens": 20, "output_tokens": 5 } } ] }""");
        e = Assert.Throws<InferenceEconomicsException>(() => Workloads.Resolve(path));
        Assert.Contains("#NAME", e.Message);
        Assert.Equal(20, Workloads.Resolve(path + "#b").ToSpec().InputTokens);
    }
}

using System.Text.Json;
using InferenceEconomics.Cli;
using InferenceEconomics.Common;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Economics;

/// <summary>A saved run (TestRuns.Run) in a temp project folder, and the CLI run in-process against that folder.</summary>
public abstract class SavedRunCli : IDisposable
{
    protected readonly TempDir _dir = new();
    protected readonly string _runFolder;

    protected SavedRunCli()
    {
        _runFolder = Path.Combine(_dir.Path, "20261130T000000Z_test_tiny");
        ResultStore.Save(TestRuns.Run(), _runFolder);
    }

    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    protected (int Code, string Out, string Err) Cli(params string[] args)
    {
        var r = CliRunner.RunWith(new ProjectPaths(_dir.Path), args);
        return (r.ExitCode, r.Out, r.Err);
    }
}

/// <summary>The `cost` and `rates` commands end to end through CliMain, on real files in a temp folder.</summary>
public class CostCliTests : SavedRunCli
{
    private static void AssertOneLineError((int Code, string Out, string Err) r, ErrorKind kind, string mustContain)
    {
        Assert.Equal((int)kind, r.Code);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);                 // one clear line, no stack trace
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(mustContain, lines[0]);
    }

    [Fact]
    public void Cost_prints_a_readable_table_with_the_figures()
    {
        var r = Cli("cost", _runFolder, "--price-per-hour", "2", "--input-tokens", "1024", "--cached-input-tokens", "300", "--output-tokens", "1024",
            "--requests-per-day", "36000", "--vs", "gpt-4o-mini,claude-sonnet-4-5");
        Assert.Equal(0, r.Code);
        Assert.Equal("", r.Err);
        // $2,920 a month on 2 machines 75% busy (see CostAnalyzerTests); sonnet $0.017622 a request.
        Assert.Contains("$2,920", r.Out);
        Assert.Contains("2, busy 75% of paid hours", r.Out);
        Assert.Contains("openai/gpt-4o-mini", r.Out);
        Assert.Contains("$0.0176", r.Out);
        Assert.Contains("never", r.Out);   // gpt-4o-mini: self-hosting never cheaper here
        Assert.Contains("2026-07-24", r.Out);   // the date each card's prices were seen
        Assert.Contains("## Interactivity frontier", r.Out);
        Assert.Contains("No SLO given", r.Out);
    }

    [Fact]
    public void Cost_json_has_the_same_numbers_for_scripts()
    {
        var r = Cli("cost", Path.Combine(_runFolder, "result.json"), "--price-per-hour", "2", "--input-tokens", "2000", "--output-tokens", "500",
            "--reasoning-tokens", "1500", "--requests-per-day", "1000", "--vs", "anthropic/claude-sonnet-4-5", "--json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var api = doc.RootElement.GetProperty("api")[0];
        // The worked example: 2,000 x 3 + 500 x 15 + 1,500 x 15 = 36,000 / 1e6 = $0.0360.
        Assert.Equal(0.036, api.GetProperty("cost_per_request").GetDouble(), 12);
        Assert.Equal("custom", doc.RootElement.GetProperty("workload").GetProperty("name").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("self_hosted").GetProperty("machines").GetInt32());
    }

    [Fact]
    public void Negative_or_non_numeric_prices_are_PriceInvalid()
    {
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "-1"), ErrorKind.PriceInvalid, "negative");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "abc"), ErrorKind.PriceInvalid, "not a price");
        AssertOneLineError(Cli("cost", _runFolder, "--capex", "30000", "--watts", "500", "--kwh-price", "-0.1"), ErrorKind.PriceInvalid, "--kwh-price");
    }

    [Fact]
    public void Utilization_outside_zero_to_one_is_Usage()
    {
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--utilization", "1.5"), ErrorKind.Usage, "(0, 1]");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--utilization", "0"), ErrorKind.Usage, "(0, 1]");
        Assert.Equal(0, Cli("cost", _runFolder, "--price-per-hour", "2", "--utilization", "100%").Code);
    }

    [Fact]
    public void Unknown_gpu_model_or_workload_is_UnknownName_with_suggestions()
    {
        AssertOneLineError(Cli("cost", _runFolder, "--gpu", "h100-sxn"), ErrorKind.UnknownName, "did you mean h100-sxm");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--vs", "gpt-4o-mnii"), ErrorKind.UnknownName, "gpt-4o-mini");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--workload", "chatt"), ErrorKind.UnknownName, "chat");
    }

    [Fact]
    public void A_malformed_rate_file_says_where()
    {
        var bad = _dir.File("bad-rates.json");
        File.WriteAllText(bad, "{\n  \"format\": \"inference-economics/rates\",\n  \"version\": 1,\n  \"rates\": [ {\"provider\": \"x\",, } ]\n}");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--rates", bad), ErrorKind.PriceInvalid, "line 4");
        AssertOneLineError(Cli("rates", "list", "--rates", bad), ErrorKind.PriceInvalid, "line 4");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--rates", _dir.File("missing.json")), ErrorKind.PriceInvalid, "does not exist");
    }

    [Fact]
    public void A_missing_or_malformed_result_is_ResultInvalid()
    {
        AssertOneLineError(Cli("cost", _dir.File("nope"), "--price-per-hour", "2"), ErrorKind.ResultInvalid, "no result");
        var broken = _dir.File("broken.json");
        File.WriteAllText(broken, "{ \"run_id\": ");
        AssertOneLineError(Cli("cost", broken, "--price-per-hour", "2"), ErrorKind.ResultInvalid, "line");
    }

    [Fact]
    public void Missing_price_or_run_and_stray_options_are_Usage()
    {
        AssertOneLineError(Cli("cost", _runFolder), ErrorKind.Usage, "price the machine");
        AssertOneLineError(Cli("cost", "--price-per-hour", "2"), ErrorKind.Usage, "cost needs <run>");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--requests-per-dya", "5"), ErrorKind.Usage, "--requests-per-day");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--requests-per-day", "5", "--utilization", "0.5"), ErrorKind.Usage, "not both");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--input-tokens", "100"), ErrorKind.Usage, "--output-tokens");
        AssertOneLineError(Cli("cost", _runFolder, "--price-per-hour", "2", "--input-tokens", "100", "--cached-input-tokens", "200", "--output-tokens", "5"), ErrorKind.Usage, "exceed");
    }

    [Fact]
    public void Rates_list_and_gpus_and_workloads_print_the_data()
    {
        var list = Cli("rates", "list", "--provider", "anthropic");
        Assert.Equal(0, list.Code);
        Assert.Contains("anthropic/claude-sonnet-4-5", list.Out);
        Assert.DoesNotContain("openai/", list.Out);
        Assert.Contains("4 models", list.Out);
        var gpus = Cli("rates", "gpus");
        Assert.Equal(0, gpus.Code);
        Assert.Contains("h100-sxm:lambda (default)", gpus.Out);
        Assert.Contains("2.69 [?]", gpus.Out);
        Assert.Contains("support-bot", Cli("rates", "workloads").Out);
        AssertOneLineError(Cli("rates", "lst"), ErrorKind.Usage, "did you mean list");
    }

    [Fact]
    public void Rates_import_litellm_writes_a_file_that_cost_can_use()
    {
        var src = _dir.File("model_prices_and_context_window.json");
        File.WriteAllText(src, LiteLlmImportTests.Sample);
        var outFile = _dir.File("mine.json");
        var r = Cli("rates", "import", "litellm", src, "--out", outFile, "--seen", "2026-07-24");
        Assert.Equal(0, r.Code);
        Assert.Contains("imported 5 rate cards", r.Out);
        Assert.Contains("skipped 6", r.Out);
        Assert.Contains("dall-e-3", r.Out);

        var cost = Cli("cost", _runFolder, "--price-per-hour", "2", "--input-tokens", "1000", "--output-tokens", "500", "--reasoning-tokens", "1500",
            "--vs", "o3", "--rates", outFile, "--json");
        Assert.Equal(0, cost.Code);
        using var doc = JsonDocument.Parse(cost.Out);
        // 1,000 x 2 + 500 x 8 + 1,500 x 8 = 18,000 / 1e6.
        Assert.Equal(0.018, doc.RootElement.GetProperty("api")[0].GetProperty("cost_per_request").GetDouble(), 12);
        Assert.Equal(outFile, doc.RootElement.GetProperty("rates_source").GetString());
    }
}

/// <summary>`cost --workload` with conversations, tasks and workload files, end to end through CliMain.</summary>
public class OutcomeCliTests : SavedRunCli
{
    [Fact]
    public void A_built_in_conversation_is_priced_per_turn_and_per_conversation()
    {
        var r = Cli("cost", _runFolder, "--price-per-hour", "2", "--workload", "chat-conversation", "--vs", "claude-haiku-4-5");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("### Cost per conversation: chat-conversation", r.Out);
        // Contexts: 1,000 + 150 = 1,150, then + 400 + 150 = 1,700 per turn ... turn 8: 1,150 + 7 x 550 = 5,000.
        Assert.Contains("5,000", r.Out);
        Assert.Contains("anthropic/claude-haiku-4-5, no caching", r.Out);
        Assert.Contains("KV reuse not measured", r.Out);
        Assert.Contains("estimated (linear between measured prompt lengths", r.Out);
    }

    [Fact]
    public void A_task_shows_cost_per_completed_task_beside_cost_per_request()
    {
        var r = Cli("cost", _runFolder, "--price-per-hour", "2", "--workload", "coding-agent", "--vs", "claude-haiku-4-5", "--json");
        Assert.True(r.Code == 0, r.Err);
        using var json = JsonDocument.Parse(r.Out);
        var task = json.RootElement.GetProperty("task");
        // 6 x (1 + 0.1) / 0.7 = 9.428571...
        Assert.Equal(6 * 1.1 / 0.7, task.GetProperty("expected_calls_per_completed_task").GetDouble(), 9);
        double perCall = json.RootElement.GetProperty("api")[0].GetProperty("cost_per_request").GetDouble();
        Assert.Equal(perCall * 6 * 1.1 / 0.7, task.GetProperty("api")[0].GetProperty("per_task").GetDouble(), 12);
        var md = Cli("cost", _runFolder, "--price-per-hour", "2", "--workload", "coding-agent", "--vs", "claude-haiku-4-5");
        Assert.Contains("$ / completed task", md.Out);
        Assert.Contains("Cost per completed task", md.Out);
    }

    [Fact]
    public void A_bad_workload_file_is_one_line_naming_the_file_and_path_exit_8()
    {
        var path = Path.Combine(_dir.Path, "w.json");
        File.WriteAllText(path, """{ "format": "inference-economics/workload", "version": 1, "workloads": [ { "name": "x", "request": { "input_tokens": -5, "output_tokens": 1 } } ] }""");
        var r = Cli("cost", _runFolder, "--price-per-hour", "2", "--workload", path);
        Assert.Equal((int)ErrorKind.PriceInvalid, r.Code);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains($"{path}: $.workloads[0].request.input_tokens: -5", lines[0]);
    }

    [Fact]
    public void A_user_workload_file_prices_like_the_built_in_profile()
    {
        var path = Path.Combine(_dir.Path, "chat.json");
        File.WriteAllText(path, """{ "format": "inference-economics/workload", "version": 1, "workloads": [ { "name": "chat", "request": { "input_tokens": 1000, "cached_prefix_share": 0.3, "output_tokens": 1000 } } ] }""");
        var a = Cli("cost", _runFolder, "--price-per-hour", "2", "--workload", path, "--json", "--vs", "gpt-4o-mini");
        var b = Cli("cost", _runFolder, "--price-per-hour", "2", "--workload", "chat", "--json", "--vs", "gpt-4o-mini");
        Assert.True(a.Code == 0, a.Err);
        Assert.Equal(b.Out, a.Out);
    }
}

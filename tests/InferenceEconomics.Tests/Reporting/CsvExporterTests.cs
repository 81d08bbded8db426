using System.Globalization;
using InferenceEconomics.Reporting;

namespace InferenceEconomics.Tests.Reporting;

public class CsvExporterTests
{
    /// <summary>Simple RFC 4180 reader written for the test (quoted fields, doubled quotes).</summary>
    private static List<List<string>> Parse(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < csv.Length; i++)
        {
            char c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; }
            else field.Append(c);
        }
        return rows;
    }

    [Fact]
    public void One_row_per_scenario_under_the_documented_header()
    {
        var run = TestRuns.Build();
        var rows = Parse(CsvExporter.Render(run));

        // The header is a contract (docs/reports.md): these columns, spelled out here, in this order, first;
        // later columns are only ever appended after them (a metric added to the catalog lands at the end).
        Assert.StartsWith("run_id,started_utc,host,hardware,model,synthetic_weights,precision,engine,execution_provider,device,"
            + "scenario_id,status,batch_size,prompt_tokens,gen_tokens,repetitions,stop_reason,"
            + "prefill_tps_median,prefill_tps_ci_low,prefill_tps_ci_high,decode_tps_median,decode_tps_ci_low,decode_tps_ci_high,output_tps_median,"
            + "ttft_ms_p50,ttft_ms_p90,ttft_ms_p99,itl_ms_p50,itl_ms_p90,itl_ms_p99,tpot_ms_median,e2e_s_median,"
            + "prefill_j_per_token,decode_j_per_token,energy_sources,failure_reason,"
            + "decode_bytes_per_step,decode_roofline_efficiency,prefill_roofline_efficiency,roofline_bandwidth_gb_per_s,", string.Join(',', rows[0]) + ",");
        Assert.Equal(run.Scenarios.Count + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));

        int col(string name) => rows[0].IndexOf(name);
        var b8 = rows.Single(r => r[col("scenario_id")] == "b8-p128-g17");
        var s = run.Scenarios.Single(x => x.Id == "b8-p128-g17");
        // decode tps from the raw steps, a second way: median over reps of B x (G-1) / sum(steps).
        var perRep = s.Repetitions.Select(r => 8.0 * 16 / r.StepSeconds.Sum()).Order().ToArray();
        double median = (perRep[2] + perRep[3]) / 2;
        Assert.Equal(median, double.Parse(b8[col("decode_tps_median")], CultureInfo.InvariantCulture), 9);
        Assert.Equal(s.Summary!["ttft_seconds"].Median * 1000, double.Parse(b8[col("ttft_ms_p50")], CultureInfo.InvariantCulture), 9);
        Assert.Equal("true", b8[col("synthetic_weights")]);
        Assert.Equal("NVIDIA H100 80GB HBM3", b8[col("hardware")]);
        Assert.Equal("prefill:gpu0:counter decode:gpu0:counter", b8[col("energy_sources")]);
        Assert.Equal("3350", b8[col("roofline_bandwidth_gb_per_s")]);   // H100 SXM's 3.35 TB/s from the catalog
    }

    [Fact]
    public void Failed_scenarios_have_empty_cells_and_reasons_are_quoted()
    {
        var run = TestRuns.Build(batches: [1], prompts: [128]);
        run = run with
        {
            Scenarios = [.. run.Scenarios, new InferenceEconomics.Schema.ScenarioResult
            {
                Id = "b64-p128-g17", BatchSize = 64, PromptTokens = 128, GenTokens = 17, Status = ScenarioStatus.Failed,
                FailureReason = "out of memory, \"CUDA\" allocator",
            }],
        };
        var rows = Parse(CsvExporter.Render(run));
        var failed = rows.Single(r => r[10] == "b64-p128-g17");
        Assert.Equal("failed", failed[11]);
        Assert.Equal("", failed[17]);                                    // prefill_tps_median unknown, not 0
        Assert.Equal("out of memory, \"CUDA\" allocator", failed[rows[0].IndexOf("failure_reason")]);  // survives quoting
        Assert.Equal("", failed[rows[0].IndexOf("decode_roofline_efficiency")]);
        Assert.Contains("\"out of memory, \"\"CUDA\"\" allocator\"", CsvExporter.Render(run));
    }
}

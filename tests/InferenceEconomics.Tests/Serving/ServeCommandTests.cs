using System.Diagnostics;
using System.Text.Json;
using InferenceEconomics.Tests.Synthetic;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Serving;

/// <summary>`ie serve` as a process: prints its bound URL, serves, and stops cleanly on SIGTERM.</summary>
[Collection(OrtCollection.Name)]
public sealed class ServeCommandTests(SyntheticModelsFixture models)
{
    [Fact]
    public async Task Serve_prints_its_url_answers_and_stops_cleanly_on_SIGTERM()
    {
        using var root = new TempDir();
        var psi = new ProcessStartInfo("dotnet", ["exec", ChildCli.IeDll, "serve", "--model", models.Folder(WeightPrecision.Fp32), "--port", "0", "--served-model-name", "t"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root.Path,
        };
        psi.Environment["IE_ROOT"] = root.Path;
        using var p = new Process { StartInfo = psi };
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var urlLine = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { ended.TrySetResult(); return; }
            output.Enqueue(e.Data);
            if (e.Data.StartsWith("listening on ", StringComparison.Ordinal)) urlLine.TrySetResult(e.Data["listening on ".Length..]);
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            var first = await Task.WhenAny(urlLine.Task, Task.Delay(TimeSpan.FromSeconds(120)));
            Assert.True(first == urlLine.Task, "no URL line: " + string.Join('\n', output) + string.Join('\n', errors));
            string url = await urlLine.Task;
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", url);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var listed = JsonDocument.Parse(await http.GetStringAsync(url + "/v1/models")).RootElement;
            Assert.Equal("t", listed.GetProperty("data")[0].GetProperty("id").GetString());
            using var response = await http.PostAsync(url + "/v1/completions", new StringContent("""{"model":"t","prompt":[5,6,7],"max_tokens":3,"ignore_eos":true}"""));
            var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
            Assert.Equal(3, usage.GetProperty("completion_tokens").GetInt32());

            using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));
            string all = string.Join('\n', output), err = string.Join('\n', errors);
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {all} {err}");
            Assert.Contains("stopping", all, StringComparison.Ordinal);
            Assert.Equal("", err.Trim());
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }

    [Theory]
    [InlineData("--port", "70000", "--port 70000: must be from 0 to 65535")]
    [InlineData("--engine", "ort", "--engine ort: cannot serve")]
    [InlineData("--host", "nowhere", "--host 'nowhere' is not an IP address")]
    [InlineData("--max-batch", "0", "--max-batch 0: must be from 1 to 256")]
    public void Bad_serve_options_get_one_line_and_exit_2(string option, string value, string expected)
    {
        var r = CliRunner.Run("serve", option, value);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_already_in_use_is_one_line_and_exit_2()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            var r = CliRunner.Run("serve", "--model", models.Folder(WeightPrecision.Fp32), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(2, r.ExitCode);
            var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"cannot listen on 127.0.0.1:{port}", line, StringComparison.Ordinal);
            Assert.Contains("choose another --port (0 picks a free one)", line, StringComparison.Ordinal);
        }
        finally { listener.Stop(); }
    }
}

using InferenceEconomics.Hardware;
using InferenceEconomics.Economics;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;

namespace InferenceEconomics.Tests.Economics;

public class RooflineTests
{
    private static readonly ModelInfo Model = new()
    {
        Name = "m", Path = "/m", Synthetic = true, ModelType = "llama", Precision = WeightPrecision.Fp32, IoDType = IoDType.Float32, Attention = AttentionKind.GroupQuery,
        Layers = 2, HiddenSize = 8, Heads = 2, KvHeads = 1, HeadSize = 4, VocabSize = 10, ContextLength = 16,
        ParameterCount = 2000, WeightBytes = 10_000,
    };

    private static SampleSummary Median(double v) => new(3, v, v, v, v, 0, 0, v, v, v, v);

    private static ScenarioResult Scenario(double tpot, double prefill) => new()
    {
        Id = "b2_p4_g5", BatchSize = 2, PromptTokens = 4, GenTokens = 5, Status = ScenarioStatus.Ok,
        Summary = new Dictionary<string, SampleSummary>
        {
            ["prefill_tps"] = Median(1), ["decode_tps"] = Median(1), ["output_tps"] = Median(1), ["ttft_seconds"] = Median(1),
            ["tpot_seconds"] = Median(tpot), ["e2e_seconds"] = Median(1), ["itl_seconds"] = Median(1), ["prefill_seconds"] = Median(prefill),
        },
    };

    [Fact]
    public void Bytes_and_flops_follow_metrics_md_by_hand()
    {
        // embedding 10 x 8 x 4 B = 320; rotary caches 16 x 4 x 4 B = 256; weights read 10000 - 320 - 256 = 9424.
        // KV at mean context 4 + 5/2 = 6.5: 2 x 2 layers x 1 kv head x 4 x 4 B x B 2 x 6.5 = 832. Total 10256.
        Assert.Equal(10_256, Roofline.DecodeBytesPerStep(Model, 2, 4, 5), 9);
        // matmul params 2000 - 80 = 1920: 2 x 1920 x 2 = 7680; attention 4 x 2 x 2 x 6.5 x 8 = 832.
        Assert.Equal(8_512, Roofline.DecodeFlopsPerStep(Model, 2, 4, 5), 9);
        // 2 x 1920 x 2 x 4 = 30720; causal attention 2 x 2 x 2 x 16 x 8 = 1024.
        Assert.Equal(31_744, Roofline.PrefillFlops(Model, 2, 4), 9);
    }

    [Fact]
    public void Efficiency_is_the_larger_bound_over_measured_time()
    {
        var limits = new RooflineLimits(1000, "test", 100, "test");
        // bandwidth bound 10256 / 1000 = 10.256 s; compute bound 8512 / 100 = 85.12 s -> 85.12 s.
        var r = Roofline.For(Model, Scenario(tpot: 170.24, prefill: 634.88), limits)!;
        Assert.Equal(85.12, r.DecodeLowerBoundSeconds!.Value, 9);
        Assert.Equal(0.5, r.DecodeEfficiency!.Value, 9);
        // prefill bound 31744 / 100 = 317.44 s, measured 634.88 s -> 0.5.
        Assert.Equal(0.5, r.PrefillEfficiency!.Value, 9);

        var bandwidthOnly = Roofline.For(Model, Scenario(20.512, 1), new RooflineLimits(1000, "cpu", null, "unknown"))!;
        Assert.Equal(0.5, bandwidthOnly.DecodeEfficiency!.Value, 9);
        Assert.Null(bandwidthOnly.PrefillEfficiency);
    }

    [Theory]
    [InlineData("NVIDIA H100 80GB HBM3", "h100-sxm")]
    [InlineData("NVIDIA H100 PCIe", "h100-pcie")]
    [InlineData("NVIDIA H200", "h200")]
    [InlineData("NVIDIA A100-SXM4-40GB", "a100-40gb")]
    [InlineData("NVIDIA A100 80GB PCIe", "a100-80gb")]
    [InlineData("NVIDIA L4", "l4")]
    [InlineData("NVIDIA L40S", "l40s")]
    [InlineData("NVIDIA GeForce RTX 4090", "rtx-4090")]
    [InlineData("Tesla T4", null)]
    public void Nvml_names_map_to_catalog_entries(string name, string? id)
    {
        Assert.Equal(id, HardwareCatalog.BuiltIn().MatchDeviceName(name)?.Id);
    }

    [Fact]
    public void Gpu_runs_use_the_catalog_and_cpu_runs_the_measured_bandwidth()
    {
        var run = InferenceEconomics.Tests.Results.ResultStoreTests.Sample() with
        {
            Engine = new EngineInfo(EngineKind.Ort, "1.31.0", "CUDAExecutionProvider", new Device(DeviceKind.Cuda, 0)),
            Model = InferenceEconomics.Tests.Results.ResultStoreTests.Sample().Model with { IoDType = IoDType.Float16 },
        };
        run = run with { Environment = run.Environment with { Gpus = [new GpuInfo("NVIDIA H200", null, null, null, null, null)] } };
        var gpu = Roofline.Limits(run, HardwareCatalog.BuiltIn());
        Assert.Equal(4.8e12, gpu.BandwidthBytesPerSecond!.Value, 1);
        Assert.Equal(989e12, gpu.PeakFlops!.Value, 1);

        var cpu = Roofline.Limits(InferenceEconomics.Tests.Results.ResultStoreTests.Sample() with
        {
            Environment = InferenceEconomics.Tests.Results.ResultStoreTests.Sample().Environment with { MemoryBandwidthBytesPerSecond = 2e10, MemoryBandwidthMethod = "probe" },
        }, HardwareCatalog.BuiltIn());
        Assert.Equal(2e10, cpu.BandwidthBytesPerSecond);
        Assert.Null(cpu.PeakFlops);
        Assert.Contains("measured", cpu.BandwidthSource);
    }

    [Fact]
    public void Bandwidth_probe_measures_a_plausible_rate()
    {
        var m = MemoryBandwidthProbe.Measure(bytes: 64L << 20, passes: 2);
        // Any real machine reads 64 MiB at more than 100 MB/s and less than 100 TB/s.
        Assert.InRange(m.BytesPerSecond, 1e8, 1e14);
        Assert.Contains("64 MiB", m.Method);
    }
}

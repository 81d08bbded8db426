using InferenceEconomics.Hardware;
using InferenceEconomics.Economics;

namespace InferenceEconomics.Tests.Hardware;

public class HardwareCatalogTests
{
    [Fact]
    public void Catalog_has_the_ten_gpus_each_with_a_dated_sourced_price()
    {
        var ids = HardwareCatalog.BuiltIn().Gpus.Select(g => g.Id).ToHashSet();
        foreach (var id in new[] { "h100-sxm", "h100-pcie", "h200", "a100-80gb", "a100-40gb", "l40s", "l4", "a10g", "rtx-4090", "b200" })
            Assert.Contains(id, ids);
        foreach (var g in HardwareCatalog.BuiltIn().Gpus)
            Assert.All(g.Prices, p => Assert.True(p.Seen.Length >= 4 && p.Source.Length > 0 && p.DollarsPerGpuHour > 0, $"{g.Id}:{p.Provider}"));
    }

    [Fact]
    public void Gpu_names_resolve_with_default_or_named_provider()
    {
        var hw = HardwareCatalog.BuiltIn();
        var (gpu, price) = hw.Find("h100-sxm");
        Assert.Equal((700.0, 3350.0, 989.0), (gpu.BoardWatts!.Value, gpu.MemoryBandwidthGbPerS!.Value, gpu.PeakDenseFp16Tflops!.Value));
        Assert.Equal(("lambda", 3.78), (price.Provider, price.DollarsPerGpuHour));
        var runpod = hw.Find("H100-SXM:runpod").Price;
        Assert.Equal(2.69, runpod.DollarsPerGpuHour);
        Assert.True(runpod.Uncertain);  // "~2.69" in prices.md
        Assert.True(hw.Find("rtx-4090").Price.Uncertain);  // [?] in prices.md
        Assert.Equal("h200", hw.Find("h200:tco-neocloud").Gpu.Id);
        Assert.Equal(1.74, hw.Find("h200:tco-neocloud").Price.DollarsPerGpuHour);
    }

    [Fact]
    public void Unknown_gpu_or_provider_suggests_close_names()
    {
        var hw = HardwareCatalog.BuiltIn();
        var e = Assert.Throws<InferenceEconomicsException>(() => hw.Find("h100-sxn"));
        Assert.Equal(ErrorKind.UnknownName, e.Kind);
        Assert.Contains("h100-sxm", e.Message);
        var p = Assert.Throws<InferenceEconomicsException>(() => hw.Find("h100-sxm:lamda"));
        Assert.Equal(ErrorKind.UnknownName, p.Kind);
        Assert.Contains("lambda", p.Message);
    }
}

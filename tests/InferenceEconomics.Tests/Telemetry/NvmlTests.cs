using InferenceEconomics.Telemetry.Nvml;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Telemetry;

/// <summary>The NVML path without a GPU: the loader's own reason must reach the "not measured" line.</summary>
public sealed class NvmlTests
{
    [Fact]
    public void Absent_library_is_not_measured_with_the_loaders_reason()
    {
        const string name = "libnvidia-ml-absent-for-test.so.1";
        using var src = new NvmlSource([name]);
        Assert.False(src.IsAvailable);
        Assert.Empty(src.Channels);
        Assert.Empty(src.Gpus);
        Assert.Contains(name, src.UnavailableReason);
        Assert.StartsWith("NVML not found", src.UnavailableReason);
        if (OperatingSystem.IsLinux())
            Assert.Contains("cannot open shared object file", src.UnavailableReason); // dlerror's words, not ours
    }

    [LinuxFact("libc.so.6 through the dynamic loader")]
    public void A_library_that_is_not_NVML_is_refused_by_its_missing_symbols()
    {
        using var src = new NvmlSource(["libc.so.6"]);
        Assert.False(src.IsAvailable);
        Assert.Contains("libc.so.6 loaded but is not NVML", src.UnavailableReason);
    }

    // Independent check of where the driver library is (TestSupport.Nvml looks in the dynamic
    // loader's default folders): absent, the default probe must say not measured and name it.
    [NvmlAbsentFact]
    public void Default_probe_without_the_driver_library_is_not_measured_and_names_it()
    {
        using var src = new NvmlSource();
        Assert.False(src.IsAvailable);
        Assert.Empty(src.Channels);
        Assert.Contains("libnvidia-ml.so.1", src.UnavailableReason);
    }

    // Present (a GPU box), the default probe must load it: with GPU device nodes (/dev/nvidiaN, one
    // per GPU the driver exposes here) it measures every one of them; without, it may fail only
    // after loading, never with "not found".
    [NvmlPresentFact]
    public void Default_probe_with_the_driver_library_loads_it_and_sees_every_gpu()
    {
        var devices = Directory.GetFiles("/dev", "nvidia*").Count(f => Path.GetFileName(f)["nvidia".Length..] is { Length: > 0 } n && n.All(char.IsAsciiDigit));
        using var src = new NvmlSource();
        Assert.DoesNotContain("NVML not found", src.UnavailableReason ?? "");
        if (devices > 0)
        {
            Assert.True(src.IsAvailable, src.UnavailableReason);
            Assert.Equal(devices, src.Gpus.Count);
            Assert.NotEmpty(src.Channels);
        }
    }

    [Theory]
    [InlineData(12040, "12.4")]
    [InlineData(11080, "11.8")]
    [InlineData(13000, "13.0")]
    public void Cuda_driver_version_is_decoded(int raw, string expected) =>
        Assert.Equal(expected, NvmlSource.FormatCudaVersion(raw));

    [Theory]
    [InlineData(0x0UL, new string[0])]
    [InlineData(0x1UL, new string[0])]                       // GPU idle: not throttling
    [InlineData(0x4UL, new[] { "power cap" })]
    [InlineData(0x60UL, new[] { "thermal" })]                // SW + HW thermal = one word
    [InlineData(0x8CUL, new[] { "power cap", "power brake", "hardware slowdown" })]
    public void Throttle_bits_are_named(ulong mask, string[] expected) =>
        Assert.Equal(expected, ThrottleReasons.Describe(mask));

    [Fact]
    public void Loader_reason_keeps_the_dlerror_lines()
    {
        var msg = "Unable to load shared library 'x.so' or one of its dependencies. In order to help ...: \nx.so: cannot open shared object file: No such file or directory\n";
        Assert.Equal("x.so: cannot open shared object file: No such file or directory", NvmlLibrary.LoaderReason("x.so", msg));
    }
}

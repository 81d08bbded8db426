using InferenceEconomics.Telemetry.Nvml;

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

    [Fact]
    public void A_library_that_is_not_NVML_is_refused_by_its_missing_symbols()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var src = new NvmlSource(["libc.so.6"]);
        Assert.False(src.IsAvailable);
        Assert.Contains("libc.so.6 loaded but is not NVML", src.UnavailableReason);
    }

    [Fact]
    public void Default_probe_matches_whether_the_driver_library_exists()
    {
        // Independent check: is libnvidia-ml.so.1 anywhere the dynamic loader looks by default?
        if (!OperatingSystem.IsLinux()) return;
        string[] dirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/wsl/lib"];
        bool present = dirs.Any(d => File.Exists(Path.Combine(d, "libnvidia-ml.so.1")));
        using var src = new NvmlSource();
        if (present) return; // a GPU box: covered by scripts/gpu-check.sh, not by unit tests
        Assert.False(src.IsAvailable);
        Assert.Contains("libnvidia-ml.so.1", src.UnavailableReason);
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

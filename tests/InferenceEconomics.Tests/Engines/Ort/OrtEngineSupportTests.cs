using InferenceEconomics.Engines;
using InferenceEconomics.Engines.Ort;
using InferenceEconomics.Models;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Engines.Ort;

/// <summary>Device parsing and the fail-fast CUDA check, in the CPU build these tests run in.</summary>
public sealed class OrtEngineSupportTests
{
    [Theory]
    [InlineData("cpu", false, 0)]
    [InlineData("CPU", false, 0)]
    [InlineData("cuda", true, 0)]
    [InlineData("cuda:0", true, 0)]
    [InlineData("cuda:3", true, 3)]
    public void Device_values_parse(string value, bool cuda, int index)
    {
        var d = Device.TryParse(value)!.Value;
        Assert.Equal(cuda, d.IsCuda);
        Assert.Equal(index, d.Ordinal);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void Malformed_device_is_a_usage_error(string value)
    {
        Assert.Null(Device.TryParse(value));
        var o = CliRunner.Run("--device", value);
        Assert.Equal((int)ErrorKind.Usage, o.ExitCode);
        Assert.Contains($"'{value}' is not a device", o.Err);
    }

    [Fact]
    public void Cpu_is_always_usable() => OrtEngineSupport.CheckDevice(Device.Cpu);

    [Fact]
    public void Cpu_build_has_no_cuda_ep()
    {
        // The test project references the CPU package only; libonnxruntime.so of this output must say so.
        Assert.False(OrtEngineSupport.IsCudaEpInThisBuild);
    }

    [Fact]
    public void Cuda_in_the_cpu_build_fails_fast_with_one_line_naming_the_library_and_cuda_major()
    {
        var e = Assert.Throws<InferenceEconomicsException>(() => OrtEngineSupport.CheckDevice(new Device(DeviceKind.Cuda, 0)));
        Assert.Equal(ErrorKind.DeviceUnavailable, e.Kind);
        Assert.Equal(10, e.ExitCode);
        Assert.Contains("libonnxruntime_providers_cuda.so", e.Message);
        Assert.Contains("CUDA 13", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [SharedModelFact]
    public void Engine_on_cuda_fails_fast_before_loading_the_model()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        var e = Assert.Throws<InferenceEconomicsException>(() => new OrtEngine(model, OrtTestModels.Cpu with { Device = new Device(DeviceKind.Cuda) }));
        Assert.Equal(ErrorKind.DeviceUnavailable, e.Kind);
    }

    [SharedModelFact]
    public void Cuda_graph_on_the_cpu_is_a_usage_error()
    {
        var model = ModelResolver.FromFolder(Repo.SharedTinyModel!, null);
        var e = Assert.Throws<ValidationException>(() => new OrtEngine(model, OrtTestModels.Cpu with { CudaGraph = true }));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Equal(nameof(RunSettings.CudaGraph), Assert.Single(e.Errors).Field);
    }

    [Fact]
    public void The_first_library_the_loader_cannot_open_is_named()
    {
        // The real system loader: on a machine without the CUDA 13 runtime the first probe fails.
        var expected = CudaLibraries.Required.FirstOrDefault(l => !System.Runtime.InteropServices.NativeLibrary.TryLoad(l.FileName, out _));
        var missing = CudaLibraries.FirstMissing(CudaLibraries.TryLoad);
        Assert.Equal(expected, missing);
        if (missing is not null)
        {
            var line = CudaLibraries.MissingMessage(missing);
            Assert.Contains(missing.FileName, line);
            Assert.DoesNotContain('\n', line);
        }
    }

    [Theory]
    [InlineData("libcublas.so.13", "CUDA 13")]
    [InlineData("libcudnn.so.9", "cuDNN 9")]
    [InlineData("libcuda.so.1", "NVIDIA driver")]
    public void Missing_library_message_names_it_and_what_it_belongs_to(string absent, string belongsTo)
    {
        var missing = CudaLibraries.FirstMissing(name => name != absent);
        Assert.NotNull(missing);
        Assert.Equal(absent, missing!.FileName);
        var line = CudaLibraries.MissingMessage(missing);
        Assert.StartsWith($"CUDA cannot be used: {absent}", line);
        Assert.Contains(belongsTo, line);
    }
}

/// <summary>The fail-fast path end to end through the CLI of the CPU build.</summary>
public sealed class OrtCliDeviceTests
{
    [SharedModelFact]
    public void Run_on_cuda_in_the_cpu_build_exits_10_with_one_line()
    {
        using var results = new TempDir();
        var o = CliRunner.Run("run", "--model", Repo.SharedTinyModel!, "--device", "cuda", "--batch", "1",
            "--prompt-tokens", "4", "--gen-tokens", "2", "--results", results.Path);
        Assert.Equal(10, o.ExitCode);
        var lines = o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: CUDA cannot be used: libonnxruntime_providers_cuda.so", lines[0]);
        Assert.Contains("CUDA 13", lines[0]);
    }
}

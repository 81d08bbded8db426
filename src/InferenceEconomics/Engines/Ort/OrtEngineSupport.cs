using Microsoft.ML.OnnxRuntime;

namespace InferenceEconomics.Engines.Ort;

/// <summary>What this build's ONNX Runtime can do, and the fail-fast device check used before loading a model.</summary>
internal static class OrtEngineSupport
{
    private static readonly Lazy<string[]> Providers = new(() => OrtEnv.Instance().GetAvailableProviders());

    /// <summary>True when the loaded libonnxruntime.so was built with the CUDA EP (the -p:IeGpu=true variant).</summary>
    public static bool IsCudaEpInThisBuild => Providers.Value.Contains("CUDAExecutionProvider");

    /// <summary>Version of the ONNX Runtime native library in use, e.g. "1.31.0".</summary>
    public static string OrtVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// Throws <see cref="InferenceEconomicsException"/> (Usage for a malformed value, DeviceUnavailable when
    /// CUDA cannot be used) with one line naming what failed; returns normally for cpu or a usable CUDA device.
    /// </summary>
    public static void CheckDevice(Device device) => Check(device, CudaLibraries.TryLoad);

    /// <summary>The ORT execution provider that runs on a device.</summary>
    public static string ExecutionProvider(Device device) => device.IsCuda ? "CUDAExecutionProvider" : "CPUExecutionProvider";

    /// <summary>"cuda" means the first GPU: results name it "cuda:0".</summary>
    internal static Device Normalize(Device device) => device.IsCuda ? device with { Index = device.Ordinal } : device;

    internal static Device Check(Device spec, Func<string, bool> tryLoad)
    {
        spec = Normalize(spec);
        if (!spec.IsCuda) return spec;
        if (!IsCudaEpInThisBuild)
            throw new InferenceEconomicsException(ErrorKind.DeviceUnavailable,
                $"CUDA cannot be used: libonnxruntime_providers_cuda.so is not in this build (CPU ONNX Runtime {OrtVersion}); run with --device {spec} through the entry script, which builds the GPU variant (-p:IeGpu=true) needing CUDA {CudaLibraries.CudaMajor} and cuDNN {CudaLibraries.CudnnMajor}");
        if (CudaLibraries.FirstMissing(tryLoad) is { } missing)
            throw new InferenceEconomicsException(ErrorKind.DeviceUnavailable, CudaLibraries.MissingMessage(missing));
        return spec;
    }
}

using System.Runtime.InteropServices;

namespace InferenceEconomics.Engines.Ort;

/// <summary>
/// The shared libraries ONNX Runtime 1.31's CUDA execution provider loads, in the order the dynamic
/// loader needs them (readelf -d libonnxruntime_providers_cuda.so of Microsoft.ML.OnnxRuntime.Gpu 1.31.0;
/// cuDNN is opened at provider start). Probing them ourselves turns the loader's long message into one
/// line that names the missing library and the CUDA major version it belongs to.
/// </summary>
internal static class CudaLibraries
{
    public sealed record Library(string FileName, string Provides);

    public const int CudaMajor = 13;
    public const int CudnnMajor = 9;

    public static readonly IReadOnlyList<Library> Required =
    [
        new("libcudart.so.13", "CUDA 13 runtime"),
        new("libcublasLt.so.13", "CUDA 13 cuBLASLt"),
        new("libcublas.so.13", "CUDA 13 cuBLAS"),
        new("libcurand.so.10", "CUDA 13 cuRAND"),
        new("libcudnn.so.9", "cuDNN 9 for CUDA 13"),
        new("libcuda.so.1", "NVIDIA driver"),
    ];

    /// <summary>The first required library that cannot be loaded, or null when all load.</summary>
    public static Library? FirstMissing(Func<string, bool> tryLoad)
    {
        foreach (var lib in Required)
            if (!tryLoad(lib.FileName)) return lib;
        return null;
    }

    /// <summary>Loads (and keeps loaded) a library by file name through the system loader (LD_LIBRARY_PATH, ldconfig).</summary>
    public static bool TryLoad(string fileName) => NativeLibrary.TryLoad(fileName, out _);

    public static string MissingMessage(Library lib) => lib.FileName == "libcuda.so.1"
        ? "CUDA cannot be used: libcuda.so.1 (NVIDIA driver) failed to load; this machine has no NVIDIA driver or GPU; run with --device cpu"
        : $"CUDA cannot be used: {lib.FileName} ({lib.Provides}) failed to load; ONNX Runtime 1.31's CUDA EP needs CUDA {CudaMajor} and cuDNN {CudnnMajor}: install them or put their lib folders on LD_LIBRARY_PATH (docs/gpu.md), or run with --device cpu";
}

using System.Globalization;

namespace InferenceEconomics.Engines.Ort;

/// <summary>A parsed --device value: cpu, cuda (= cuda:0) or cuda:N.</summary>
internal sealed record OrtDeviceSpec(bool IsCuda, int Index)
{
    public static readonly OrtDeviceSpec Cpu = new(false, 0);

    public string Name => IsCuda ? $"cuda:{Index}" : "cpu";
    public string ExecutionProvider => IsCuda ? "CUDAExecutionProvider" : "CPUExecutionProvider";

    public static OrtDeviceSpec Parse(string? device)
    {
        var d = (device ?? "cpu").Trim().ToLowerInvariant();
        if (d is "cpu") return Cpu;
        if (d is "cuda" or "gpu") return new OrtDeviceSpec(true, 0);
        if (d.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(d.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 0)
            return new OrtDeviceSpec(true, n);
        throw new InferenceEconomicsException(ErrorKind.Usage, $"--device '{device}' is not a device; use cpu, cuda or cuda:N (N = GPU index, 0 first)");
    }
}

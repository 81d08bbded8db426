// TEMPORARY until branch 'telemetry' (EnvironmentProbe.cs) is merged.
using InferenceEconomics.Results;
namespace InferenceEconomics.Measurement;
public static class EnvironmentProbe
{
    public static EnvironmentInfo Collect() => new()
    {
        Host = Environment.MachineName, Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        CpuModel = "unknown", LogicalCores = Environment.ProcessorCount,
        DotnetVersion = Environment.Version.ToString(), OrtVersion = Engines.Versions.Ort, GenAiVersion = Engines.Versions.GenAi,
    };
}

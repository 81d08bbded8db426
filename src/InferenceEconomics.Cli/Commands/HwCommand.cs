using System.Globalization;
using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Reporting;
using InferenceEconomics.Telemetry;

namespace InferenceEconomics.Cli.Commands;

internal sealed class HwCommandSettings
{
    public bool Json { get; set; }
}

/// <summary>`hw`: the machine (CPU, memory, GPUs, driver) and which telemetry sources work here, with reasons.</summary>
internal sealed class HwCommand : CliCommand<HwCommandSettings>
{
    public override string Name => "hw";
    public override string Summary => "what this machine has and which telemetry sources work";
    public override string Description =>
        "Shows CPU, memory, OS, .NET, GPUs and driver (from NVML), and each telemetry source (procfs, RAPL powercap,\n" +
        "NVML): \"measured\" with what it reads, or \"not measured\" with the reason. Takes one live reading of every\n" +
        "channel over about 0.25 s.";
    public override IReadOnlyList<string> Examples => [$"{EntryPoint.Name} hw", $"{EntryPoint.Name} hw --json"];

    public HwCommand() => Flag(s => s.Json, "--json", "one JSON document (snake_case) for scripts");

    protected override int Execute(HwCommandSettings settings, CliContext context)
    {
        var report = HardwareReport.Probe(ct: context.Cancellation);
        if (settings.Json)
        {
            context.Out.WriteLine(ResultJson.Serialize(report));
            return 0;
        }
        var env = report.Environment;
        var o = context.Out;
        o.WriteLine($"Host      {env.Host}");
        o.WriteLine($"OS        {env.Os}");
        o.WriteLine($"CPU       {env.CpuModel}, {env.LogicalCores} logical cores");
        o.WriteLine($"Memory    {Format.Bytes(env.MemoryBytes)}");
        o.WriteLine($".NET      {env.DotnetVersion}; ONNX Runtime {env.OrtVersion ?? "?"}; GenAI {env.GenAiVersion ?? "?"}");
        if (env.Gpus.Count == 0)
        {
            var nvml = report.Sources.FirstOrDefault(s => s.Name == "nvml");
            o.WriteLine($"GPUs      not measured — {nvml?.Reason ?? "NVML not probed"}");
        }
        for (int i = 0; i < env.Gpus.Count; i++)
        {
            var g = env.Gpus[i];
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"GPU {i}     {g.Name}, {Format.Bytes(g.MemoryTotalBytes)}, power limit {(g.PowerLimitWatts is { } w ? $"{w:0} W" : "?")}, driver {g.DriverVersion ?? "?"}, CUDA driver {g.CudaDriverVersion ?? "?"}, {g.Uuid ?? "no UUID"}"));
        }
        o.WriteLine();
        o.WriteLine("Telemetry sources");
        foreach (var s in report.Sources) o.WriteLine($"  {TelemetryText.SourceLine(s)}");
        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Live reading (over {report.ReadingWindowSeconds:0.##} s)"));
        if (report.Readings.Count == 0) o.WriteLine("  none: no telemetry source works here");
        foreach (var r in report.Readings) o.WriteLine($"  {TelemetryText.Reading(r)}");
        return 0;
    }
}

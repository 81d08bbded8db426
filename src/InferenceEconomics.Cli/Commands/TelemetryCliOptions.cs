using InferenceEconomics.Telemetry;

namespace InferenceEconomics.Cli.Commands;

/// <summary>
/// The telemetry options of `run`, read in one place: --sample-ms N (5..60000, default 50),
/// --idle-seconds S (0..600, default 3), --no-idle, --no-telemetry.
/// </summary>
public static class TelemetryCliOptions
{
    public const string Help = """
          --sample-ms N       telemetry sampling period in ms (default 50; 10 for short prefills)
          --idle-seconds S    idle power baseline before the sweep, seconds (default 3)
          --no-idle           skip the idle baseline (energy is then gross only)
          --no-telemetry      no power / utilization sampling at all
        """;

    public static TelemetryOptions Read(CliArgs args)
    {
        var defaults = new TelemetryOptions();
        int sampleMs = args.Int("--sample-ms", TelemetryOptions.MinSampleMs, TelemetryOptions.MaxSampleMs) ?? defaults.SampleMs;
        double idle = args.Double("--idle-seconds", 0, 600) ?? defaults.IdleBaselineSeconds;
        if (args.Flag("--no-idle")) idle = 0;
        var options = defaults with { SampleMs = sampleMs, IdleBaselineSeconds = idle, Enabled = !args.Flag("--no-telemetry") };
        options.Validate();
        return options;
    }
}

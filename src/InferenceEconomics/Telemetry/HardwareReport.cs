using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry.Nvml;

namespace InferenceEconomics.Telemetry;

/// <summary>One current reading of a telemetry channel, for `hw`.</summary>
public sealed record ChannelReading(string Channel, string Unit, double Value);

/// <summary>What `hw` shows: the machine, every telemetry source with its state, and one live reading of each channel.</summary>
public sealed record HardwareReport(EnvironmentInfo Environment, IReadOnlyList<TelemetrySourceStatus> Sources, IReadOnlyList<ChannelReading> Readings, double ReadingWindowSeconds)
{
    /// <summary>
    /// Opens every source, reads twice 'window' apart (CPU percent needs two readings) and keeps
    /// the second reading. Throws nothing for a missing source: it is listed with its reason.
    /// </summary>
    public static HardwareReport Probe(TelemetryOptions? options = null, TimeSpan? window = null, CancellationToken ct = default)
    {
        options ??= new TelemetryOptions();
        var span = window ?? TimeSpan.FromMilliseconds(250);
        var sources = TelemetryRecorder.OpenSources(options);
        try
        {
            var active = sources.Where(s => s.IsAvailable).ToList();
            var rows = active.Select(s => new double[s.Channels.Count]).ToList();
            for (int i = 0; i < active.Count; i++) active[i].Read(rows[i]);
            ct.WaitHandle.WaitOne(span);
            ct.ThrowIfCancellationRequested();
            for (int i = 0; i < active.Count; i++) active[i].Read(rows[i]);
            var readings = new List<ChannelReading>();
            for (int i = 0; i < active.Count; i++)
                for (int c = 0; c < active[i].Channels.Count; c++)
                {
                    var ch = active[i].Channels[c];
                    // A counter relative to its own opening says nothing here; power is shown instead.
                    if (ch.Quantity == Quantity.EnergyJoules || double.IsNaN(rows[i][c])) continue;
                    readings.Add(new ChannelReading(ch.Name, ch.Unit, rows[i][c]));
                }
            var gpus = sources.OfType<NvmlSource>().FirstOrDefault()?.Gpus ?? [];
            var status = sources.Select(s => new TelemetrySourceStatus(s.Name, s.IsAvailable, s.UnavailableReason, s.Detail)).ToList();
            return new HardwareReport(EnvironmentProbe.Probe(gpus, options.ProcRoot), status, readings, span.TotalSeconds);
        }
        finally
        {
            foreach (var s in sources) s.Dispose();
        }
    }
}

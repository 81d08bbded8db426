using System.Diagnostics;
using InferenceEconomics.Measurement;
using InferenceEconomics.Results;
using InferenceEconomics.Telemetry.Nvml;
using InferenceEconomics.Telemetry.Procfs;
using InferenceEconomics.Telemetry.Rapl;
using InferenceEconomics.Telemetry.Sampling;

namespace InferenceEconomics.Telemetry;

/// <summary>
/// Samples every available source on one background thread at a fixed period, stamping each
/// sample with the run's clock. The measured loop never calls it: phase windows are cut from
/// the samples after a scenario ends (<see cref="Summarize"/>), from the offsets each
/// repetition recorded on the same clock.
/// Typical use: Start before the sweep, MeasureIdleBaseline, Summarize after each scenario, Finish.
/// </summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly TelemetryOptions _options;
    private readonly RunClock _clock;
    private readonly List<ITelemetrySource> _sources;
    private readonly List<(ITelemetrySource Source, int Offset)> _active = [];
    private readonly List<TelemetryChannel> _channels = [];
    private readonly SampleRing _ring;
    private readonly SeriesDecimator _series;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread? _thread;
    private long _samples, _late, _readTicks;
    private bool _finished;

    public IReadOnlyList<TelemetrySourceStatus> Sources { get; }
    public IReadOnlyList<GpuInfo> Gpus { get; } = [];
    public IReadOnlyList<TelemetryChannel> Channels => _channels;
    public IdleBaseline? Idle { get; private set; }
    public TelemetryOptions Options => _options;
    public bool Enabled => _options.Enabled;

    private TelemetryRecorder(TelemetryOptions options, RunClock clock, List<ITelemetrySource> sources)
    {
        _options = options;
        _clock = clock;
        _sources = sources;
        foreach (var s in sources.Where(s => s.IsAvailable))
        {
            _active.Add((s, _channels.Count));
            _channels.AddRange(s.Channels);
        }
        Sources = sources.Select(s => new TelemetrySourceStatus(s.Name, s.IsAvailable, s.UnavailableReason, s.Detail)).ToList();
        if (sources.OfType<NvmlSource>().FirstOrDefault() is { } nvml) Gpus = nvml.Gpus;
        _ring = new SampleRing(options.Enabled ? options.RingCapacity : 1, Math.Max(1, _channels.Count));
        _series = new SeriesDecimator(Math.Max(1, _channels.Count), options.MaxSeriesPoints);
        if (options.Enabled && _channels.Count > 0)
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "ie-telemetry-sampler" };
            _thread.Start();
        }
    }

    /// <summary>Opens procfs, RAPL and NVML (each may be unavailable, with its reason) and starts the sampler thread.</summary>
    public static TelemetryRecorder Start(TelemetryOptions options, RunClock clock)
    {
        options.Validate();
        if (!options.Enabled) return new TelemetryRecorder(options, clock, []);
        return Start(options, clock, OpenSources(options));
    }

    /// <summary>Starts over given sources (tests, or a caller with its own source).</summary>
    public static TelemetryRecorder Start(TelemetryOptions options, RunClock clock, IReadOnlyList<ITelemetrySource> sources)
    {
        options.Validate();
        return new TelemetryRecorder(options, clock, sources.ToList());
    }

    public static List<ITelemetrySource> OpenSources(TelemetryOptions options) =>
    [
        new ProcfsSource(options.ProcRoot),
        new RaplSource(options.PowercapRoot),
        new NvmlSource(options.NvmlLibraryNames),
    ];

    /// <summary>Samples taken so far.</summary>
    public long SamplesTaken => Interlocked.Read(ref _samples);

    private void Loop()
    {
        var row = new double[_channels.Count];
        long period = (long)(_options.SampleMs / 1000.0 * Stopwatch.Frequency);
        long next = Stopwatch.GetTimestamp();
        long prevAt = 0;
        while (!_stop.IsSet)
        {
            long before = Stopwatch.GetTimestamp();
            foreach (var (source, offset) in _active)
            {
                var span = row.AsSpan(offset, source.Channels.Count);
                try { source.Read(span); }
                catch (Exception) { span.Fill(double.NaN); } // a failing source must not kill the sampler
            }
            long after = Stopwatch.GetTimestamp();
            // Stamp the middle of the reads: the readings were taken somewhere in [before, after].
            double t = _clock.Offset(before + (after - before) / 2);
            _ring.Add(t, row);
            _series.Add(t, row);
            if (prevAt != 0 && before - prevAt > period * 3 / 2) _late++;
            prevAt = before;
            _readTicks += after - before;
            Interlocked.Increment(ref _samples);

            next += period;
            long now = Stopwatch.GetTimestamp();
            if (now >= next) next = now + period - (now - next) % period; // fell behind: skip missed ticks, keep the grid
            var wait = TimeSpan.FromSeconds((next - now) / (double)Stopwatch.Frequency);
            _stop.Wait(wait);
        }
    }

    /// <summary>
    /// Blocks for the idle window (options.IdleBaselineSeconds) while the sampler runs, and keeps
    /// the average power of each energy source for net energy. Null when the window is 0 s or
    /// telemetry is off. Cancellation throws OperationCanceledException.
    /// </summary>
    public IdleBaseline? MeasureIdleBaseline(CancellationToken ct)
    {
        if (!Enabled || _options.IdleBaselineSeconds <= 0 || _thread is null) return null;
        // A sample at or before the start is needed to interpolate the edge: wait for the first one.
        WaitForSampleAfter(double.NegativeInfinity, ct);
        double start = _clock.NowOffset;
        ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(_options.IdleBaselineSeconds));
        ct.ThrowIfCancellationRequested();
        double end = _clock.NowOffset;
        WaitForSampleAfter(end, ct);
        var table = _ring.Slice(start, end);
        Idle = IdleFrom(_channels, table, start, end);
        return Idle;
    }

    /// <summary>Average watts per energy device over [start, end] (counter delta or integrated power, divided by the time).</summary>
    public static IdleBaseline IdleFrom(IReadOnlyList<TelemetryChannel> channels, SampleTable table, double start, double end)
    {
        var watts = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var window = new[] { new PhaseWindow(start, end) };
        int samples = WindowMath.CountInside(table.Times, start, end);
        foreach (var device in PhaseSummarizer.EnergyDevices(channels))
            if (PhaseSummarizer.EnergyPhase(Phase.Idle, device, channels, table, window, 0, null) is { AverageWatts: { } w, WindowsNotCovered: 0 })
                watts[device] = w;
        return new IdleBaseline(start, end, watts, samples);
    }

    /// <summary>
    /// Per-phase figures for a finished scenario (all its repetitions). Waits, at most a few
    /// periods, for the sample that closes the last window. Null when telemetry is off.
    /// </summary>
    public ScenarioTelemetry? Summarize(ScenarioResult scenario)
    {
        if (!Enabled) return null;
        if (scenario.Repetitions.Count == 0)
            return new ScenarioTelemetry { NotMeasured = PhaseSummarizer.NotMeasured(Sources) };
        double from = scenario.Repetitions.Min(r => r.PrefillStartOffset);
        double to = scenario.Repetitions.Max(r => Math.Max(r.DecodeEndOffset, r.PrefillStartOffset + r.PrefillSeconds));
        if (_thread is not null) WaitForSampleAfter(to, CancellationToken.None);
        return PhaseSummarizer.Summarize(scenario, _channels, _ring.Slice(from, to), Idle?.AveragePowerWatts, Sources);
    }

    private void WaitForSampleAfter(double offset, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((3 * _options.SampleMs + 1000) / 1000.0 * Stopwatch.Frequency);
        while (_ring.LatestTime < offset || _ring.Written == 0)
        {
            if (Stopwatch.GetTimestamp() > deadline || _finished) return;
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }
    }

    /// <summary>
    /// Run-level information so far, without stopping and without chart series: for the
    /// result.json written after each scenario. Null when telemetry is off.
    /// </summary>
    public TelemetryRunInfo? Current() => Enabled
        ? new TelemetryRunInfo { SampleMs = _options.SampleMs, Sources = Sources, Idle = Idle, SamplesTaken = SamplesTaken }
        : null;

    /// <summary>Stops the sampler and returns run-level information with bounded chart series. Null when telemetry is off.</summary>
    public TelemetryRunInfo? Finish()
    {
        Stop();
        if (!Enabled) return null;
        var series = new List<TelemetrySeries>();
        for (int c = 0; c < _channels.Count; c++)
        {
            var ch = _channels[c];
            if (ch.Quantity is Quantity.EnergyJoules or Quantity.ThrottleReasons or Quantity.PeakRssBytes) continue;
            var (t, v) = _series.Series(c);
            if (t.Length > 0) series.Add(new TelemetrySeries(ch.Name, ch.Unit, t, v));
        }
        long n = SamplesTaken;
        return new TelemetryRunInfo
        {
            SampleMs = _options.SampleMs,
            Sources = Sources,
            Idle = Idle,
            Series = series,
            SamplesTaken = n,
            LateSamples = _late,
            MeanReadMicroseconds = n > 0 ? _readTicks * 1e6 / Stopwatch.Frequency / n : null,
        };
    }

    private void Stop()
    {
        if (_finished) return;
        _finished = true;
        _stop.Set();
        _thread?.Join();
    }

    public void Dispose()
    {
        Stop();
        foreach (var s in _sources) s.Dispose();
        _stop.Dispose();
    }
}

namespace InferenceEconomics.Telemetry.Sampling;

/// <summary>
/// Fixed-size ring of samples (time + one value per channel), written by the sampler thread and
/// read between scenarios. Memory is allocated once; the oldest samples are overwritten.
/// The lock is held for a row copy only and is never taken by the measured loop.
/// </summary>
internal sealed class SampleRing
{
    private readonly double[] _times;
    private readonly double[] _values;
    private readonly object _lock = new();
    private long _written;

    public int Capacity { get; }
    public int Channels { get; }

    public SampleRing(int capacity, int channels)
    {
        Capacity = capacity;
        Channels = channels;
        _times = new double[capacity];
        _values = new double[(long)capacity * channels];
    }

    /// <summary>Samples ever written (including overwritten ones).</summary>
    public long Written { get { lock (_lock) return _written; } }

    /// <summary>Time of the newest sample, or -infinity when empty.</summary>
    public double LatestTime { get { lock (_lock) return _written == 0 ? double.NegativeInfinity : _times[(_written - 1) % Capacity]; } }

    public void Add(double time, ReadOnlySpan<double> row)
    {
        lock (_lock)
        {
            int slot = (int)(_written % Capacity);
            _times[slot] = time;
            row[..Channels].CopyTo(_values.AsSpan(slot * Channels, Channels));
            _written++;
        }
    }

    /// <summary>
    /// Copies the samples with time in [from, to] plus the nearest one before and after (so edges
    /// can be interpolated). Also says whether the ring still held everything back to 'from'.
    /// </summary>
    public SampleTable Slice(double from, double to)
    {
        lock (_lock)
        {
            long oldest = Math.Max(0, _written - Capacity);
            var empty = new SampleTable([], EmptyColumns(), truncatedAtStart: _written > Capacity);
            if (_written == 0 || to < from) return empty;
            // Times are ascending in write order: binary-search the logical indices.
            long lo = FirstAtOrAfter(oldest, from, strictlyAfter: false);
            long hi = FirstAtOrAfter(oldest, to, strictlyAfter: true);
            long first = Math.Max(oldest, lo - 1), last = Math.Min(_written - 1, hi);
            int n = (int)(last - first + 1);
            if (n <= 0) return empty;
            var times = new double[n];
            var cols = EmptyColumns(n);
            for (int k = 0; k < n; k++)
            {
                int slot = (int)((first + k) % Capacity);
                times[k] = _times[slot];
                for (int c = 0; c < Channels; c++) cols[c][k] = _values[(long)slot * Channels + c];
            }
            bool truncated = oldest > 0 && _times[oldest % Capacity] > from;
            return new SampleTable(times, cols, truncated);
        }
    }

    private long FirstAtOrAfter(long oldest, double x, bool strictlyAfter)
    {
        long lo = oldest, hi = _written;
        while (lo < hi)
        {
            long mid = lo + (hi - lo) / 2;
            double t = _times[mid % Capacity];
            if (strictlyAfter ? t <= x : t < x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private double[][] EmptyColumns(int n = 0)
    {
        var cols = new double[Channels][];
        for (int c = 0; c < Channels; c++) cols[c] = new double[n];
        return cols;
    }
}
/// <summary>A copied window of samples: times and one column per channel (NaN = not read).</summary>
internal sealed class SampleTable(double[] times, double[][] columns, bool truncatedAtStart)
{
    public double[] Times { get; } = times;
    public double[][] Columns { get; } = columns;
    /// <summary>True when older samples the window needed were already overwritten.</summary>
    public bool TruncatedAtStart { get; } = truncatedAtStart;

    /// <summary>One channel's samples with the NaN readings dropped.</summary>
    public (double[] T, double[] V) Series(int channel)
    {
        var col = Columns[channel];
        int n = 0;
        foreach (var x in col) if (!double.IsNaN(x)) n++;
        if (n == col.Length) return (Times, col);
        var t = new double[n];
        var v = new double[n];
        for (int i = 0, k = 0; i < col.Length; i++)
            if (!double.IsNaN(col[i])) { t[k] = Times[i]; v[k++] = col[i]; }
        return (t, v);
    }
}

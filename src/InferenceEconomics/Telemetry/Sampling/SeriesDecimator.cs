namespace InferenceEconomics.Telemetry.Sampling;

/// <summary>
/// Keeps the whole run as chart series in bounded memory: samples are averaged into buckets;
/// when the buckets are full, neighbours are merged in pairs and each bucket then spans twice
/// as many samples. A run of any length ends with between MaxPoints/2 and MaxPoints points.
/// Used by the sampler thread only (and read after it stopped).
/// </summary>
internal sealed class SeriesDecimator
{
    private readonly int _channels;
    private readonly int _maxPoints;
    private readonly double[] _timeSum;
    private readonly int[] _timeCount;
    private readonly double[] _valueSum;
    private readonly int[] _valueCount;
    private int _buckets;          // buckets in use (the last one may be filling)
    private int _samplesPerBucket = 1;

    public SeriesDecimator(int channels, int maxPoints)
    {
        _channels = channels;
        _maxPoints = maxPoints - maxPoints % 2;
        _timeSum = new double[_maxPoints];
        _timeCount = new int[_maxPoints];
        _valueSum = new double[_maxPoints * channels];
        _valueCount = new int[_maxPoints * channels];
    }

    public int SamplesPerBucket => _samplesPerBucket;

    public void Add(double time, ReadOnlySpan<double> row)
    {
        if (_buckets == 0 || _timeCount[_buckets - 1] >= _samplesPerBucket)
        {
            if (_buckets == _maxPoints) Compact();
            _buckets++;
        }
        int b = _buckets - 1;
        _timeSum[b] += time;
        _timeCount[b]++;
        for (int c = 0; c < _channels; c++)
        {
            if (double.IsNaN(row[c])) continue;
            _valueSum[b * _channels + c] += row[c];
            _valueCount[b * _channels + c]++;
        }
    }

    private void Compact()
    {
        int half = _buckets / 2;
        for (int i = 0; i < half; i++)
        {
            int a = 2 * i, b = 2 * i + 1;
            _timeSum[i] = _timeSum[a] + _timeSum[b];
            _timeCount[i] = _timeCount[a] + _timeCount[b];
            for (int c = 0; c < _channels; c++)
            {
                _valueSum[i * _channels + c] = _valueSum[a * _channels + c] + _valueSum[b * _channels + c];
                _valueCount[i * _channels + c] = _valueCount[a * _channels + c] + _valueCount[b * _channels + c];
            }
        }
        Array.Clear(_timeSum, half, _maxPoints - half);
        Array.Clear(_timeCount, half, _maxPoints - half);
        Array.Clear(_valueSum, half * _channels, (_maxPoints - half) * _channels);
        Array.Clear(_valueCount, half * _channels, (_maxPoints - half) * _channels);
        _buckets = half;
        _samplesPerBucket *= 2;
    }

    /// <summary>Bucket mean times and mean values of one channel (buckets without a reading are skipped).</summary>
    public (double[] Offsets, double[] Values) Series(int channel)
    {
        var t = new List<double>(_buckets);
        var v = new List<double>(_buckets);
        for (int b = 0; b < _buckets; b++)
        {
            int n = _valueCount[b * _channels + channel];
            if (n == 0 || _timeCount[b] == 0) continue;
            t.Add(_timeSum[b] / _timeCount[b]);
            v.Add(_valueSum[b * _channels + channel] / n);
        }
        return (t.ToArray(), v.ToArray());
    }
}

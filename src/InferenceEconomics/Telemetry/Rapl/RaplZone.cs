using System.Globalization;
using System.Text;

namespace InferenceEconomics.Telemetry.Rapl;

/// <summary>
/// One powercap zone's energy counter (energy_uj, micro-joules), unwrapped into a running total.
/// The hardware counter wraps at max_energy_range_uj; a reading lower than the previous one
/// means it wrapped once (sampling every 50 ms is far faster than the minutes a wrap takes).
/// </summary>
internal sealed class RaplZone
{
    private readonly string _energyPath;
    private readonly byte[] _buf = new byte[64];
    private ulong _prevUj;
    private double _totalJ;

    public string ZoneDir { get; }
    /// <summary>The zone's own name file, e.g. "package-0".</summary>
    public string ZoneName { get; }
    public ulong MaxEnergyRangeUj { get; }

    private RaplZone(string zoneDir, string name, ulong maxRange, ulong first)
    {
        ZoneDir = zoneDir;
        ZoneName = name;
        MaxEnergyRangeUj = maxRange;
        _energyPath = Path.Combine(zoneDir, "energy_uj");
        _prevUj = first;
    }

    /// <summary>Opens a zone; throws IOException / UnauthorizedAccessException / FormatException with the file in the message.</summary>
    public static RaplZone Open(string zoneDir)
    {
        var name = ReadFile(Path.Combine(zoneDir, "name")).Trim();
        var max = ParseUj(Path.Combine(zoneDir, "max_energy_range_uj"));
        var first = ParseUj(Path.Combine(zoneDir, "energy_uj"));
        return new RaplZone(zoneDir, name, max, first);
    }

    /// <summary>Reads the counter and returns the joules accumulated since Open (wrap-around handled).</summary>
    public double ReadTotalJoules()
    {
        ulong now;
        using (var h = File.OpenHandle(_energyPath))
        {
            int n = RandomAccess.Read(h, _buf, 0);
            now = ulong.Parse(Encoding.ASCII.GetString(_buf, 0, n).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        _totalJ += DeltaUj(_prevUj, now, MaxEnergyRangeUj) / 1e6;
        _prevUj = now;
        return _totalJ;
    }

    /// <summary>Energy between two readings of a counter that runs from 0 to maxRange and then restarts at 0.</summary>
    public static ulong DeltaUj(ulong previous, ulong current, ulong maxRange) =>
        current >= previous ? current - previous : maxRange - previous + current;

    private static string ReadFile(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw e is UnauthorizedAccessException
                ? new UnauthorizedAccessException($"{path} is not readable (permission denied; RAPL energy needs root or a udev rule since CVE-2020-8694)", e)
                : new IOException($"{path}: {e.Message}", e);
        }
    }

    private static ulong ParseUj(string path)
    {
        var s = ReadFile(path).Trim();
        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v : throw new FormatException($"{path} holds '{s}', not a whole number of micro-joules");
    }
}

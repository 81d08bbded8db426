using InferenceEconomics.Telemetry;
using InferenceEconomics.Telemetry.Rapl;

namespace InferenceEconomics.Tests.Telemetry;

/// <summary>The RAPL reader on a fake powercap tree in a temp folder (the real one is root-only or absent).</summary>
public sealed class RaplTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ie-rapl-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Zone(string dir, string name, ulong energyUj, ulong maxUj)
    {
        var path = Path.Combine(_root, dir);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "name"), name + "\n");
        File.WriteAllText(Path.Combine(path, "energy_uj"), energyUj + "\n");
        File.WriteAllText(Path.Combine(path, "max_energy_range_uj"), maxUj + "\n");
        return path;
    }

    private static void SetEnergy(string zone, ulong uj) => File.WriteAllText(Path.Combine(zone, "energy_uj"), uj + "\n");

    /// <summary>Replaces energy_uj by something that cannot be read as a file (works for root too, unlike chmod 000).</summary>
    private static void MakeUnreadable(string zone)
    {
        var f = Path.Combine(zone, "energy_uj");
        File.Delete(f);
        Directory.CreateDirectory(f);
    }

    [Fact]
    public void Reads_only_top_level_package_zones()
    {
        Zone("intel-rapl:0", "package-0", 1_000, 262_143_328_850);
        Zone("intel-rapl:0:0", "core", 500, 262_143_328_850);          // sub-zone: inside package-0
        Zone("intel-rapl:1", "psys", 9_000, 262_143_328_850);          // platform: would double-count
        Zone("intel-rapl-mmio:0", "package-0", 1_000, 262_143_328_850); // same package through MMIO
        Directory.CreateDirectory(Path.Combine(_root, "intel-rapl"));  // the control type folder

        using var src = new RaplSource(_root);

        Assert.True(src.IsAvailable);
        Assert.Equal(["package-0"], src.Zones.Select(z => z.ZoneName));
        Assert.Equal(["cpu-package-0.energy", "cpu-package-0.power"], src.Channels.Select(c => c.Name));
        Assert.Equal(ChannelKind.Counter, src.Channels[0].Kind);
    }

    [Fact]
    public void Accumulates_energy_across_a_counter_wrap()
    {
        // max_energy_range_uj of a real Intel package: 262 143 328 850 uJ (~262 kJ).
        var z = Zone("intel-rapl:0", "package-0", 262_143_000_000, 262_143_328_850);
        var zone = RaplZone.Open(z);

        SetEnergy(z, 262_143_200_000);
        Assert.Equal(0.2, zone.ReadTotalJoules(), 9);                 // +200 000 uJ, no wrap

        SetEnergy(z, 500_000);
        // wrapped: (262 143 328 850 - 262 143 200 000) + 500 000 = 128 850 + 500 000 = 628 850 uJ
        Assert.Equal(0.2 + 0.628_850, zone.ReadTotalJoules(), 9);

        SetEnergy(z, 1_500_000);
        Assert.Equal(0.2 + 0.628_850 + 1.0, zone.ReadTotalJoules(), 9);
    }

    [Theory]
    [InlineData(100UL, 250UL, 1000UL, 150UL)]
    [InlineData(900UL, 100UL, 1000UL, 200UL)]   // 1000 - 900 + 100
    [InlineData(1000UL, 0UL, 1000UL, 0UL)]      // exactly at the top, then 0
    public void Delta_handles_wrap(ulong prev, ulong now, ulong max, ulong expected) =>
        Assert.Equal(expected, RaplZone.DeltaUj(prev, now, max));

    [Fact]
    public void Unreadable_energy_file_makes_the_source_unavailable_with_the_file_named()
    {
        var z = Zone("intel-rapl:0", "package-0", 1_000, 262_143_328_850);
        MakeUnreadable(z);

        using var src = new RaplSource(_root);

        Assert.False(src.IsAvailable);
        Assert.Empty(src.Channels);
        Assert.Contains(Path.Combine(z, "energy_uj"), src.UnavailableReason);
        Assert.Contains("not readable", src.UnavailableReason);
    }

    [Fact]
    public void A_zone_that_turns_unreadable_gives_NaN_while_the_other_keeps_counting()
    {
        var a = Zone("intel-rapl:0", "package-0", 1_000_000, 262_143_328_850);
        var b = Zone("intel-rapl:1", "package-1", 2_000_000, 262_143_328_850);
        using var src = new RaplSource(_root);
        Assert.Equal(2, src.Zones.Count);

        SetEnergy(a, 1_250_000);
        SetEnergy(b, 2_750_000);
        var values = new double[4];
        src.Read(values);
        Assert.Equal(0.25, values[0], 9);
        Assert.Equal(0.75, values[2], 9);

        MakeUnreadable(a);
        SetEnergy(b, 3_000_000);
        src.Read(values);
        Assert.True(double.IsNaN(values[0]));
        Assert.True(double.IsNaN(values[1]));
        Assert.Equal(1.0, values[2], 9);
    }

    [Fact]
    public void Missing_powercap_root_says_why()
    {
        var missing = Path.Combine(_root, "no-such-powercap");
        using var src = new RaplSource(missing);
        Assert.False(src.IsAvailable);
        Assert.Contains(missing, src.UnavailableReason);
        Assert.Contains("does not exist", src.UnavailableReason);
    }
}

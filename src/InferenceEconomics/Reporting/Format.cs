using System.Globalization;

namespace InferenceEconomics.Reporting;

/// <summary>The number formats every output shares (invariant culture: '.' decimals everywhere).</summary>
public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>1.50 B, 12.3 M, 4.1 K: parameter and token counts.</summary>
    public static string Count(long n) => n switch
    {
        >= 1_000_000_000 => (n / 1e9).ToString("F2", Inv) + " B",
        >= 1_000_000 => (n / 1e6).ToString("F1", Inv) + " M",
        >= 1_000 => (n / 1e3).ToString("F1", Inv) + " K",
        _ => n.ToString(Inv),
    };

    /// <summary>Binary units: 2.54 GiB, 12.0 MiB, 3.5 KiB; "?" when unknown.</summary>
    public static string Bytes(long? n) => n switch
    {
        null => "?",
        >= 1L << 30 => (n.Value / (double)(1L << 30)).ToString("F2", Inv) + " GiB",
        >= 1L << 20 => (n.Value / (double)(1L << 20)).ToString("F1", Inv) + " MiB",
        _ => (n.Value / 1024.0).ToString("F1", Inv) + " KiB",
    };
}

using InferenceEconomics.Common;

namespace InferenceEconomics.Hardware;

/// <summary>One GPU model: specs (dense, no sparsity) and dated rent prices per GPU-hour by provider.</summary>
public sealed record GpuSpec
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public double? MemoryGb { get; init; }
    public double? MemoryBandwidthGbPerS { get; init; }
    public double? PeakDenseFp16Tflops { get; init; }
    public double? BoardWatts { get; init; }
    public required string SpecSource { get; init; }
    /// <summary>Spec fields whose figure is uncertain or conflicting ([?]).</summary>
    public IReadOnlyList<string> UncertainFields { get; init; } = [];
    /// <summary>The provider used when --gpu names no provider.</summary>
    public required string DefaultProvider { get; init; }
    public required IReadOnlyList<GpuPrice> Prices { get; init; }
    public string? Note { get; init; }
}

public sealed record GpuPrice
{
    public required string Provider { get; init; }
    public required double DollarsPerGpuHour { get; init; }
    public required string Seen { get; init; }
    public required string Source { get; init; }
    public bool Uncertain { get; init; }
    public string? Note { get; init; }
}

internal sealed record HardwareCatalogFile
{
    public const string FormatName = "inference-economics/hardware";
    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    public string Currency { get; init; } = "USD";
    public string? Comment { get; init; }
    public IReadOnlyList<GpuSpec> Gpus { get; init; } = [];
}

/// <summary>The hardware catalog (embedded Data/hardware.json): GPU specs and rent prices.</summary>
public sealed class HardwareCatalog
{
    public const string BuiltInFileName = "hardware.json";
    public IReadOnlyList<GpuSpec> Gpus { get; }

    private HardwareCatalog(IReadOnlyList<GpuSpec> gpus) => Gpus = gpus;

    private static readonly Lazy<HardwareCatalog> BuiltInCatalog = new(() => Parse(DataFile.ReadEmbedded(BuiltInFileName), "built-in hardware.json"));

    public static HardwareCatalog BuiltIn() => BuiltInCatalog.Value;

    public static HardwareCatalog Parse(string json, string origin)
    {
        var file = DataFile.Parse<HardwareCatalogFile>(json, origin);
        if (file.Format != HardwareCatalogFile.FormatName)
            throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{origin}: \"format\" is '{file.Format}', expected '{HardwareCatalogFile.FormatName}'");
        foreach (var g in file.Gpus)
        {
            foreach (var p in g.Prices)
                if (p.DollarsPerGpuHour < 0 || !double.IsFinite(p.DollarsPerGpuHour))
                    throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{origin}: {g.Id} price by {p.Provider} is {p.DollarsPerGpuHour}; a price is 0 or more");
            if (!g.Prices.Any(p => p.Provider.Equals(g.DefaultProvider, StringComparison.OrdinalIgnoreCase)))
                throw new InferenceEconomicsException(ErrorKind.PriceInvalid, $"{origin}: {g.Id} default_provider '{g.DefaultProvider}' has no price");
        }
        return new HardwareCatalog(file.Gpus);
    }

    /// <summary>
    /// Resolves "NAME" or "NAME:PROVIDER" (e.g. "h100-sxm:runpod") to a GPU and one of its prices.
    /// Unknown names are UnknownName errors suggesting close names.
    /// </summary>
    public (GpuSpec Gpu, GpuPrice Price) Find(string spec)
    {
        var parts = spec.Split(':', 2, StringSplitOptions.TrimEntries);
        var name = parts[0];
        var gpu = Gpus.FirstOrDefault(g => g.Id.Equals(name, StringComparison.OrdinalIgnoreCase)
                                           || g.Aliases.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase)))
            ?? throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"unknown GPU '{name}'{Suggest.DidYouMean(name, Gpus.Select(g => g.Id).Concat(Gpus.SelectMany(g => g.Aliases)))}; known: {string.Join(", ", Gpus.Select(g => g.Id))} (or price any machine with --price-per-hour)");
        var provider = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : gpu.DefaultProvider;
        var price = gpu.Prices.FirstOrDefault(p => p.Provider.Equals(provider, StringComparison.OrdinalIgnoreCase))
            ?? throw new InferenceEconomicsException(ErrorKind.UnknownName,
                $"no {gpu.Id} price from provider '{provider}'{Suggest.DidYouMean(provider, gpu.Prices.Select(p => p.Provider))}; known for {gpu.Id}: {string.Join(", ", gpu.Prices.Select(p => p.Provider))} (or give --price-per-hour)");
        return (gpu, price);
    }

    /// <summary>
    /// The catalog entry for a device name as NVML reports it ("NVIDIA H100 80GB HBM3", "NVIDIA H200",
    /// "NVIDIA A100-SXM4-40GB", "NVIDIA L40S"...), or null. PCIe boards are told apart where the catalog has both.
    /// </summary>
    public GpuSpec? MatchDeviceName(string deviceName)
    {
        var n = deviceName.ToLowerInvariant().Replace("nvidia", "").Replace("geforce", "").Replace('-', ' ').Trim();
        string? id = n switch
        {
            _ when n.Contains("h100") => n.Contains("pcie") ? "h100-pcie" : "h100-sxm",
            _ when n.Contains("h200") => "h200",
            _ when n.Contains("a100") => n.Contains("40gb") ? "a100-40gb" : "a100-80gb",
            _ when n.Contains("l40s") => "l40s",
            _ when n.Contains("a10g") => "a10g",
            _ when n.Contains("4090") => "rtx-4090",
            _ when n.Contains("b200") => "b200",
            _ when n.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("l4") => "l4",
            _ => null,
        };
        return id is null ? null : Gpus.FirstOrDefault(g => g.Id == id);
    }
}

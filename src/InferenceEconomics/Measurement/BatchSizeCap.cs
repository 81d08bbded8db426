using InferenceEconomics.Models;
using InferenceEconomics.Results;

namespace InferenceEconomics.Measurement;

/// <summary>
/// Drops the batch sizes whose KV cache cannot fit in the memory left after loading the model, so a
/// default frontier sweep does not spend its time on scenarios bound to fail. Given batch sizes are
/// never capped (a failing scenario is recorded with its reason).
/// </summary>
internal static class BatchSizeCap
{
    /// <summary>Room left for activations, logits and the runtime's own buffers: the KV cache may take this share of free memory.</summary>
    public const double KvShareOfFreeMemory = 0.5;

    /// <summary>KV cache bytes of one sequence of <paramref name="tokens"/> tokens: 2 (K and V) x layers x KV heads x head size x element bytes.</summary>
    public static long KvBytesPerSequence(GenAiConfig c, int tokens, int elementBytes) =>
        2L * c.NumHiddenLayers * c.NumKeyValueHeads * c.HeadSize * tokens * elementBytes;

    /// <summary>The batch sizes that fit (batch 1 always stays) and a note naming those dropped, or null when none was.</summary>
    public static (IReadOnlyList<int> Batches, string? Note) Apply(IReadOnlyList<int> batches, GenAiConfig config, int maxTokens, int elementBytes, long? freeBytes)
    {
        if (freeBytes is not { } free || free <= 0) return (batches, null);
        long perSequence = KvBytesPerSequence(config, maxTokens, elementBytes);
        var kept = batches.Where(b => b == 1 || b * (double)perSequence <= free * KvShareOfFreeMemory).ToList();
        var dropped = batches.Except(kept).ToList();
        if (dropped.Count == 0) return (batches, null);
        return (kept, $"batch sizes {string.Join(", ", dropped)} left out of the default frontier sweep: their KV cache ({dropped.Min() * perSequence / 1048576.0:N0} MiB and up at {maxTokens} tokens) " +
                      $"would take more than {KvShareOfFreeMemory:P0} of the {free / 1048576.0:N0} MiB free; give --batch to measure them anyway");
    }

    /// <summary>Memory free for the KV cache once the model is loaded: the GPU's total less the weights, or the host's MemAvailable.</summary>
    public static long? FreeBytes(Device device, EnvironmentInfo environment, long weightBytes) =>
        device.IsCuda
            ? environment.Gpus.FirstOrDefault()?.MemoryTotalBytes is { } total ? total - weightBytes : (long?)null
            : Telemetry.EnvironmentProbe.AvailableMemoryBytes();
}

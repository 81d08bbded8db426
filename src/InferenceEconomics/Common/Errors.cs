namespace InferenceEconomics;

/// <summary>
/// Every failure a user can cause, each with its own process exit code.
/// The CLI maps these to one clear line; the library never prints or exits.
/// Codes are part of the public contract (README "Exit codes"): never renumber.
/// </summary>
public enum ErrorKind
{
    /// <summary>Unexpected failure inside the tool (a bug).</summary>
    Internal = 1,
    /// <summary>Unknown command, unknown option, bad option value (batch 0, "abc").</summary>
    Usage = 2,
    /// <summary>Model path does not exist or alias unknown.</summary>
    ModelNotFound = 3,
    /// <summary>Model folder without genai_config.json, or the file lacks required fields.</summary>
    ModelConfigInvalid = 4,
    /// <summary>model.onnx (or its data file) truncated or not loadable.</summary>
    ModelFileInvalid = 5,
    /// <summary>Unknown synthetic preset.</summary>
    UnknownPreset = 6,
    /// <summary>A sweep in which no scenario could run (all over the context length, out of memory...).</summary>
    NoScenarioRan = 7,
    /// <summary>A price, rate card, hardware or workload file is malformed or holds impossible values.</summary>
    PriceInvalid = 8,
    /// <summary>An unknown GPU, API model or workload name.</summary>
    UnknownName = 9,
    /// <summary>The requested device / execution provider cannot be used here (no CUDA, missing library).</summary>
    DeviceUnavailable = 10,
    /// <summary>A result file or run folder is missing or malformed.</summary>
    ResultInvalid = 11,
    /// <summary>compare: at least one metric regressed (Slower).</summary>
    Regression = 12,
    /// <summary>genai_config.json (or another JSON input of the model) is not valid JSON.</summary>
    ModelConfigMalformed = 13,
    /// <summary>A file or folder the user named cannot be read or written (permissions, a file where a folder is needed, disk full).</summary>
    FileAccess = 14,
    /// <summary>The results store cannot be opened, reached or written (server down, wrong password, read-only or corrupt database file, a schema newer than this tool).</summary>
    StoreUnavailable = 15,
    /// <summary>push: a run id is already stored with different content (nothing was overwritten).</summary>
    StoreConflict = 16,
    /// <summary>The cluster scheduler (sbatch, squeue) is missing or refused the job.</summary>
    SchedulerUnavailable = 17,
    /// <summary>The user interrupted the run (Ctrl-C); finished scenarios were saved.</summary>
    Interrupted = 130,
}

/// <summary>A failure the user can fix: one line of what is wrong and what to do.</summary>
public class InferenceEconomicsException : Exception
{
    public ErrorKind Kind { get; }

    public InferenceEconomicsException(ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public int ExitCode => (int)Kind;
}

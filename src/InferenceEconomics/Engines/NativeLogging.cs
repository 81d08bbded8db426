using Microsoft.ML.OnnxRuntime;

namespace InferenceEconomics.Engines;

/// <summary>
/// How much ONNX Runtime and ONNX Runtime GenAI may write to stderr themselves. Their log lines are raw
/// (ANSI-coloured, multi-line, source-file tagged) and bypass the CLI, so by default only fatal ones pass;
/// the CLI's --verbose (<see cref="EngineOptions.NativeLogs"/>) lets warnings and errors through.
/// Knobs: the ORT environment's default level (<see cref="OrtEnv.EnvLogLevel"/>, which GenAI shares, as both
/// load the same libonnxruntime), each ORT session's SessionOptions.LogSeverityLevel, and for GenAI's sessions
/// genai_config.json's model.decoder.session_options.log_severity_level (set by a config overlay).
/// GenAI's own log (OgaSetLogBool "enabled") is off unless asked for, so it needs no knob here.
/// </summary>
internal static class NativeLogging
{
    private static readonly object Gate = new();

    /// <summary>ORT's level for the chosen verbosity: warnings and up when verbose, else fatal only.</summary>
    public static OrtLoggingLevel Level(bool verbose) =>
        verbose ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;

    /// <summary>The same level as the number genai_config.json's session_options.log_severity_level takes.</summary>
    public static int GenAiSeverity(bool verbose) => (int)Level(verbose);

    /// <summary>Sets the process-wide ORT environment's default level (loggers created later inherit it).</summary>
    public static void ApplyToEnvironment(bool verbose)
    {
        lock (Gate) OrtEnv.Instance().EnvLogLevel = Level(verbose);
    }
}

using System.Runtime.InteropServices;

namespace InferenceEconomics.Serving;

/// <summary>
/// The part of ONNX Runtime GenAI's C API (0.18, build/native/include/ort_genai_c.h of the NuGet package) that
/// its C# package does not wrap: the request-level Engine, plus config, model and tokenizer calls the server
/// needs on the same native handles. Every call that returns an OgaResult* goes through <see cref="Check"/>.
/// </summary>
internal static partial class OgaNative
{
    private const string Lib = "onnxruntime-genai";

    public const uint FlagToken = 1, FlagTurnFinished = 2, FlagCapacityBlocked = 4, FlagFailed = 8, FlagRetryable = 16;

    [LibraryImport(Lib)] public static partial IntPtr OgaResultGetError(IntPtr result);
    [LibraryImport(Lib)] public static partial void OgaDestroyResult(IntPtr result);
    [LibraryImport(Lib)] public static partial void OgaDestroyString(IntPtr str);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr OgaCreateConfig(string configPath, out IntPtr config);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr OgaConfigOverlay(IntPtr config, string json);
    [LibraryImport(Lib)] public static partial IntPtr OgaConfigClearProviders(IntPtr config);
    [LibraryImport(Lib)] public static partial void OgaDestroyConfig(IntPtr config);
    [LibraryImport(Lib)] public static partial IntPtr OgaCreateModelFromConfig(IntPtr config, out IntPtr model);
    [LibraryImport(Lib)] public static partial void OgaDestroyModel(IntPtr model);

    [LibraryImport(Lib)] public static partial IntPtr OgaCreateTokenizer(IntPtr model, out IntPtr tokenizer);
    [LibraryImport(Lib)] public static partial void OgaDestroyTokenizer(IntPtr tokenizer);
    [LibraryImport(Lib)] public static partial IntPtr OgaCreateSequences(out IntPtr sequences);
    [LibraryImport(Lib)] public static partial void OgaDestroySequences(IntPtr sequences);
    [LibraryImport(Lib)] public static partial nuint OgaSequencesGetSequenceCount(IntPtr sequences, nuint index);
    [LibraryImport(Lib)] public static partial IntPtr OgaSequencesGetSequenceData(IntPtr sequences, nuint index);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr OgaTokenizerEncode(IntPtr tokenizer, string text, IntPtr sequences);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr OgaTokenizerApplyChatTemplate(IntPtr tokenizer, string? template, string messages, string? tools, [MarshalAs(UnmanagedType.U1)] bool addGenerationPrompt, out IntPtr text);
    [LibraryImport(Lib)] public static partial IntPtr OgaCreateTokenizerStream(IntPtr tokenizer, out IntPtr stream);
    [LibraryImport(Lib)] public static partial void OgaDestroyTokenizerStream(IntPtr stream);
    /// <summary>The returned string is owned by the stream (valid until its next call); it is not freed.</summary>
    [LibraryImport(Lib)] public static partial IntPtr OgaTokenizerStreamDecode(IntPtr stream, int token, out IntPtr text);

    [LibraryImport(Lib)] public static partial IntPtr OgaCreateEngine(IntPtr model, out IntPtr engine);
    [LibraryImport(Lib)] public static partial void OgaDestroyEngine(IntPtr engine);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineGetCapabilities(IntPtr engine, out IntPtr capabilities);
    [LibraryImport(Lib)] public static partial nuint OgaEngineCapabilitiesGetConfiguredMaxBatchSize(IntPtr capabilities);
    [LibraryImport(Lib)] public static partial nuint OgaEngineCapabilitiesGetMaxScheduledTokens(IntPtr capabilities);
    [LibraryImport(Lib)] public static partial ulong OgaEngineCapabilitiesGetMaxRequestLength(IntPtr capabilities);
    [LibraryImport(Lib)] public static partial void OgaDestroyEngineCapabilities(IntPtr capabilities);
    [LibraryImport(Lib)] public static partial IntPtr OgaCreateEngineEventBuffer(IntPtr engine, nuint capacity, out IntPtr buffer);
    [LibraryImport(Lib)] public static partial void OgaDestroyEngineEventBuffer(IntPtr buffer);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineRun(IntPtr engine, IntPtr buffer);
    [LibraryImport(Lib)] public static partial nuint OgaEngineEventBufferGetCount(IntPtr buffer);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineEventBufferGet(IntPtr buffer, nuint index);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineEventGetFlags(IntPtr ev, out uint flags);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineEventGetRequest(IntPtr ev, out IntPtr request);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineEventGetToken(IntPtr ev, out int token);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineEventGetFinishReason(IntPtr ev, out uint reason);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineEventGetErrorCode(IntPtr ev, out uint code);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineEventGetUsage(IntPtr ev, out IntPtr usage);
    [LibraryImport(Lib)] public static partial IntPtr OgaTurnUsageGetPromptTokens(IntPtr usage, out ulong n);
    [LibraryImport(Lib)] public static partial IntPtr OgaTurnUsageGetGeneratedTokens(IntPtr usage, out ulong n);
    [LibraryImport(Lib)] public static partial IntPtr OgaEngineHasPendingRequests(IntPtr engine, out byte pending);

    [LibraryImport(Lib)] public static partial IntPtr OgaEngineCreateRequest(IntPtr engine, IntPtr options, out IntPtr request);
    [LibraryImport(Lib)] public static partial IntPtr OgaRequestCreateTurnOptions(IntPtr request, out IntPtr options);
    [LibraryImport(Lib)] public static partial void OgaDestroyTurnOptions(IntPtr options);
    [LibraryImport(Lib)] public static partial IntPtr OgaTurnOptionsSetMaxGeneratedTokens(IntPtr options, ulong n);
    [LibraryImport(Lib)] public static partial IntPtr OgaTurnOptionsSetMinGeneratedTokens(IntPtr options, ulong n);
    [LibraryImport(Lib)] public static partial IntPtr OgaTurnOptionsSetDoSample(IntPtr options, [MarshalAs(UnmanagedType.U1)] bool doSample);
    [LibraryImport(Lib)] public static partial IntPtr OgaTurnOptionsSetTemperature(IntPtr options, float temperature);
    [LibraryImport(Lib)] public static partial IntPtr OgaTurnOptionsSetTopP(IntPtr options, float topP);
    [LibraryImport(Lib)] public static partial IntPtr OgaTurnOptionsSetSeed(IntPtr options, ulong seed);
    [LibraryImport(Lib)] public static unsafe partial IntPtr OgaRequestBeginTurn(IntPtr request, IntPtr options, int* ids, ulong count, out ulong turnId);
    [LibraryImport(Lib)] public static partial IntPtr OgaRequestCancelTurn(IntPtr request, ulong turnId, out byte cancelled);
    [LibraryImport(Lib)] public static partial IntPtr OgaRequestClose(IntPtr request);
    [LibraryImport(Lib)] public static partial void OgaDestroyRequest(IntPtr request);

    /// <summary>Turns a non-null OgaResult* into an exception carrying GenAI's message (the result is freed).</summary>
    public static void Check(IntPtr result)
    {
        if (result == IntPtr.Zero) return;
        string message;
        try { message = Marshal.PtrToStringUTF8(OgaResultGetError(result)) ?? "unknown error"; }
        finally { OgaDestroyResult(result); }
        throw new GenAiNativeException(message);
    }
}

/// <summary>An error reported by GenAI's native library (its own message, first line kept by callers that show it).</summary>
internal sealed class GenAiNativeException(string message) : Exception(message)
{
    public string FirstLine => Message.Split('\n')[0].Trim();
}

/// <summary>An owned native GenAI handle released exactly once by its destroy call.</summary>
internal sealed class NativeHandle : SafeHandle
{
    private readonly Action<IntPtr> _destroy;

    public NativeHandle(IntPtr handle, Action<IntPtr> destroy) : base(IntPtr.Zero, ownsHandle: true)
    {
        _destroy = destroy;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw pointer for a native call (the caller keeps the handle alive for the call).</summary>
    public IntPtr Ptr => IsClosed ? throw new ObjectDisposedException(nameof(NativeHandle)) : handle;

    protected override bool ReleaseHandle()
    {
        _destroy(handle);
        return true;
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;

namespace InferenceEconomics.Serving;

/// <summary>Chat message text, as a request gave it.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Text to token ids and back for text prompts and streamed text. A model folder with tokenizer.json uses GenAI's
/// tokenizer; one without (synthetic models) uses a documented stand-in, since such a model has no vocabulary.
/// Token-id prompts bypass both.
/// </summary>
public abstract class TextCodec : IDisposable
{
    /// <summary>"genai_tokenizer" or "byte_stand_in" (reported by /v1/models).</summary>
    public abstract string Name { get; }
    public abstract int[] Encode(string text);
    public abstract int[] EncodeChat(IReadOnlyList<ChatMessage> messages);
    /// <summary>A decoder for one stream of generated tokens (tokenizers need the previous tokens to place spaces).</summary>
    public abstract Func<int, string> NewDecoder();
    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>
/// The stand-in for a model without a tokenizer: each UTF-8 byte b of a text prompt is token id 3 + b (ids 0-2
/// are BOS/EOS/PAD of the synthetic models); chat messages are joined as "role: content" lines first; each
/// generated token streams as its id in decimal after a space (" 4711"). Lengths are exact in bytes, not in words.
/// </summary>
internal sealed class ByteStandInCodec(int vocabSize) : TextCodec
{
    public const int Offset = 3;

    public override string Name => "byte_stand_in";

    public override int[] Encode(string text) =>
        Encoding.UTF8.GetBytes(text).Select(b => vocabSize > Offset + 255 ? Offset + b : Offset + b % Math.Max(1, vocabSize - Offset)).ToArray();

    public override int[] EncodeChat(IReadOnlyList<ChatMessage> messages) =>
        Encode(string.Concat(messages.Select(m => $"{m.Role}: {m.Content}\n")));

    public override Func<int, string> NewDecoder() => id => " " + id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>GenAI's tokenizer of the model folder (tokenizer.json), its chat template for chat messages.</summary>
internal sealed class GenAiTokenizerCodec : TextCodec
{
    private readonly NativeHandle _tokenizer;
    private readonly Lock _lock = new();

    public GenAiTokenizerCodec(IntPtr model)
    {
        OgaNative.Check(OgaNative.OgaCreateTokenizer(model, out var t));
        _tokenizer = new NativeHandle(t, OgaNative.OgaDestroyTokenizer);
    }

    public override string Name => "genai_tokenizer";

    public override int[] Encode(string text)
    {
        lock (_lock)
        {
            OgaNative.Check(OgaNative.OgaCreateSequences(out var seq));
            try
            {
                OgaNative.Check(OgaNative.OgaTokenizerEncode(_tokenizer.Ptr, text, seq));
                int n = (int)OgaNative.OgaSequencesGetSequenceCount(seq, 0);
                var ids = new int[n];
                if (n > 0) Marshal.Copy(OgaNative.OgaSequencesGetSequenceData(seq, 0), ids, 0, n);
                return ids;
            }
            finally { OgaNative.OgaDestroySequences(seq); }
        }
    }

    public override int[] EncodeChat(IReadOnlyList<ChatMessage> messages)
    {
        var json = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()).ToJsonString();
        string text;
        lock (_lock)
        {
            OgaNative.Check(OgaNative.OgaTokenizerApplyChatTemplate(_tokenizer.Ptr, null, json, null, true, out var s));
            try { text = Marshal.PtrToStringUTF8(s) ?? ""; }
            finally { OgaNative.OgaDestroyString(s); }
        }
        return Encode(text);
    }

    public override Func<int, string> NewDecoder()
    {
        NativeHandle stream;
        lock (_lock)
        {
            OgaNative.Check(OgaNative.OgaCreateTokenizerStream(_tokenizer.Ptr, out var s));
            stream = new NativeHandle(s, OgaNative.OgaDestroyTokenizerStream);
        }
        // The stream's handle is released by its finalizer once the request's decoder is dropped.
        return id =>
        {
            OgaNative.Check(OgaNative.OgaTokenizerStreamDecode(stream.Ptr, id, out var text));
            return Marshal.PtrToStringUTF8(text) ?? "";
        };
    }

    public override void Dispose()
    {
        _tokenizer.Dispose();
        base.Dispose();
    }
}

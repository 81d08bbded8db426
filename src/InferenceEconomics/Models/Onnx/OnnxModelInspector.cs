using System.Globalization;

namespace InferenceEconomics.Models.Onnx;

/// <summary>
/// Reads an ONNX file's structure (nodes, I/O, initializers with external-data locations) without
/// loading weights, and validates that the file and its external data are complete.
/// </summary>
internal static class OnnxModelInspector
{
    /// <summary>Parses &lt;path&gt;. Throws ModelFileInvalid when it is missing, truncated or not ONNX.</summary>
    public static OnnxModel Read(string path)
    {
        ModelFileAccess.RequireReadableFile(path, ErrorKind.ModelFileInvalid, $"{path} does not exist; regenerate or re-download the model");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw ModelFileAccess.CannotRead(path, "file", e.Message, e); }
        try
        {
            var model = ParseModel(bytes);
            if (model.IrVersion <= 0 || model.Nodes.Count == 0 || model.Opsets.Count == 0)
                throw new ProtoFormatException("no ir_version, graph nodes or opset_import");
            return model;
        }
        catch (ProtoFormatException e) { throw Invalid(path, e.Message, e); }
    }

    /// <summary>
    /// Checks &lt;modelDir&gt;/&lt;onnxFileName&gt; parses as an ONNX model and that every external data
    /// file exists, can be read and holds the bytes its initializers point at. For the run command, before loading.
    /// Returns the parsed graph (for <see cref="ModelGraphFacts"/>).
    /// </summary>
    public static OnnxModel Validate(string modelDir, string onnxFileName)
    {
        var path = Path.Combine(modelDir, onnxFileName);
        var model = Read(path);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in model.Initializers.Where(t => t.IsExternal))
        {
            if (!sizes.TryGetValue(t.Location!, out long size))
            {
                var dataPath = Path.Combine(modelDir, t.Location!);
                // Unreadable, a folder, a link loop: FileAccess; only a file that is not there "does not exist".
                ModelFileAccess.RequireReadableFile(dataPath, ErrorKind.ModelFileInvalid,
                    $"{dataPath} (external data of {path}) does not exist; regenerate or re-download the model");
                size = new FileInfo(dataPath).Length;
                sizes[t.Location!] = size;
            }
            var dataFile = Path.Combine(modelDir, t.Location!);
            long expected = t.ByteSize;
            if (expected > 0 && t.Length != expected)
                throw Invalid(path, $"initializer {t.Name} claims {t.Length} bytes of external data but its shape needs {expected}");
            if (t.Offset < 0 || t.Offset + t.Length > size)
                throw new InferenceEconomicsException(ErrorKind.ModelFileInvalid,
                    $"{dataFile} is truncated or not an ONNX data file: initializer {t.Name} needs bytes up to {t.Offset + t.Length}, the file has {size}; regenerate or re-download it");
        }
        return model;
    }

    private static InferenceEconomicsException Invalid(string path, string why, Exception? inner = null) =>
        new(ErrorKind.ModelFileInvalid, $"{path} is truncated or not an ONNX model ({why}); regenerate or re-download it", inner);

    internal static OnnxModel ParseModel(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        long ir = 0;
        string producer = "", producerVersion = "";
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        OnnxModel? graph = null;
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: ir = r.Int64(); break;
                case 2: producer = r.String(); break;
                case 3: producerVersion = r.String(); break;
                case 7: graph = ParseGraph(r.Bytes()); break;
                case 8:
                    var (domain, version) = ParseOpset(r.Bytes());
                    opsets[domain] = version;
                    break;
                default: r.Skip(); break;
            }
        }
        return (graph ?? new OnnxModel()) with { IrVersion = ir, ProducerName = producer, ProducerVersion = producerVersion, Opsets = opsets };
    }

    private static (string, long) ParseOpset(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        string domain = ""; long version = 0;
        while (r.Next())
        {
            if (r.Field == 1) domain = r.String();
            else if (r.Field == 2) version = r.Int64();
            else r.Skip();
        }
        return (domain, version);
    }

    private static OnnxModel ParseGraph(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        var nodes = new List<OnnxNode>();
        var inits = new List<OnnxInitializer>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        string name = "";
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: nodes.Add(ParseNode(r.Bytes())); break;
                case 2: name = r.String(); break;
                case 5: inits.Add(ParseTensor(r.Bytes())); break;
                case 11: inputs.Add(ParseValueInfo(r.Bytes())); break;
                case 12: outputs.Add(ParseValueInfo(r.Bytes())); break;
                default: r.Skip(); break;
            }
        }
        return new OnnxModel { GraphName = name, Nodes = nodes, Initializers = inits, Inputs = inputs, Outputs = outputs };
    }

    private static OnnxNode ParseNode(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attrs = new List<OnnxAttribute>();
        string name = "", op = "", domain = "";
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: inputs.Add(r.String()); break;
                case 2: outputs.Add(r.String()); break;
                case 3: name = r.String(); break;
                case 4: op = r.String(); break;
                case 5: attrs.Add(ParseAttribute(r.Bytes())); break;
                case 7: domain = r.String(); break;
                default: r.Skip(); break;
            }
        }
        return new OnnxNode(op, name, inputs, outputs, domain, attrs);
    }

    private static OnnxAttribute ParseAttribute(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        string name = "";
        long type = 0, i = 0;
        float f = 0;
        string s = "";
        var ints = new List<long>();
        var floats = new List<float>();
        OnnxTensorValue? tensor = null;
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: name = r.String(); break;
                case 5: tensor = ParseInlineTensor(r.Bytes()); break;
                case 2: f = r.Float(); break;
                case 3: i = r.Int64(); break;
                case 4: s = r.String(); break;
                case 7: r.Floats(floats); break;
                case 8: r.Int64s(ints); break;
                case 20: type = r.Int64(); break;
                default: r.Skip(); break;
            }
        }
        object value = type switch
        {
            1 => f,
            2 => i,
            3 => s,
            4 => tensor ?? throw new ProtoFormatException($"tensor attribute {name} has no tensor"),
            6 => floats.ToArray(),
            7 => ints.ToArray(),
            _ => "(unsupported attribute type " + type.ToString(CultureInfo.InvariantCulture) + ")",
        };
        return new OnnxAttribute(name, value);
    }

    private static OnnxTensorValue ParseInlineTensor(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        var dims = new List<long>();
        long dataType = 0;
        byte[] raw = [];
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: r.Int64s(dims); break;
                case 2: dataType = r.Int64(); break;
                case 9: raw = r.Bytes().ToArray(); break;
                default: r.Skip(); break;
            }
        }
        return new OnnxTensorValue((OnnxDataType)dataType, dims, raw);
    }

    private static OnnxInitializer ParseTensor(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        var dims = new List<long>();
        long dataType = 0, location = 0, inline = 0;
        string name = "";
        string? file = null;
        long offset = 0, length = -1;
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: r.Int64s(dims); break;
                case 2: dataType = r.Int64(); break;
                case 8: name = r.String(); break;
                case 9: inline = r.Bytes().Length; break;
                case 13:
                    var (key, value) = ParseEntry(r.Bytes());
                    if (key == "location") file = value;
                    else if (key == "offset") offset = ParseLong(value, key);
                    else if (key == "length") length = ParseLong(value, key);
                    break;
                case 14: location = r.Int64(); break;
                case 4 or 5 or 7 or 10 or 11:
                    // Typed repeated fields hold inline values; only their presence matters here.
                    if (r.WireType == 2) inline += r.Bytes().Length; else { r.Skip(); inline++; }
                    break;
                default: r.Skip(); break;
            }
        }
        var t = new OnnxInitializer(name, (OnnxDataType)dataType, dims, location == 1 ? file ?? "" : null, offset, 0, inline);
        if (t.IsExternal && t.Location!.Length == 0) throw new ProtoFormatException($"initializer {name} is external but names no location");
        return t with { Length = t.IsExternal ? (length >= 0 ? length : t.ByteSize) : 0 };
    }

    private static long ParseLong(string s, string key) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ProtoFormatException($"external data {key} '{s}' is not a number");

    private static (string, string) ParseEntry(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        string k = "", v = "";
        while (r.Next())
        {
            if (r.Field == 1) k = r.String();
            else if (r.Field == 2) v = r.String();
            else r.Skip();
        }
        return (k, v);
    }

    private static OnnxValueInfo ParseValueInfo(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        string name = "";
        OnnxDataType elem = OnnxDataType.Undefined;
        var dims = new List<OnnxDim>();
        while (r.Next())
        {
            if (r.Field == 1) name = r.String();
            else if (r.Field == 2)
            {
                var type = new ProtoReader(r.Bytes());
                while (type.Next())
                {
                    if (type.Field != 1) { type.Skip(); continue; }   // tensor_type only
                    var tensor = new ProtoReader(type.Bytes());
                    while (tensor.Next())
                    {
                        if (tensor.Field == 1) elem = (OnnxDataType)tensor.Int64();
                        else if (tensor.Field == 2)
                        {
                            var shape = new ProtoReader(tensor.Bytes());
                            while (shape.Next())
                            {
                                if (shape.Field != 1) { shape.Skip(); continue; }
                                var dim = new ProtoReader(shape.Bytes());
                                long? value = null; string? param = null;
                                while (dim.Next())
                                {
                                    if (dim.Field == 1) value = dim.Int64();
                                    else if (dim.Field == 2) param = dim.String();
                                    else dim.Skip();
                                }
                                dims.Add(new OnnxDim(value, param));
                            }
                        }
                        else tensor.Skip();
                    }
                }
            }
            else r.Skip();
        }
        return new OnnxValueInfo(name, elem, dims);
    }
}

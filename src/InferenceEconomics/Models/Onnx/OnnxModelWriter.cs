namespace InferenceEconomics.Models.Onnx;

/// <summary>
/// Serializes an <see cref="OnnxModel"/> to ONNX protobuf bytes. Field numbers are those of the
/// public onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
/// ValueInfoProto/TypeProto, OperatorSetIdProto, StringStringEntryProto).
/// </summary>
internal static class OnnxModelWriter
{
    // AttributeProto.AttributeType
    private const int AttrFloat = 1, AttrInt = 2, AttrString = 3, AttrTensor = 4, AttrFloats = 6, AttrInts = 7;
    // TensorProto.DataLocation
    private const int DataLocationExternal = 1;

    public static byte[] Serialize(OnnxModel model)
    {
        var m = new ProtoWriter();
        m.Int(1, model.IrVersion);                       // ir_version
        m.String(2, model.ProducerName);                 // producer_name
        m.String(3, model.ProducerVersion);              // producer_version
        m.Message(7, Graph(model));                      // graph
        foreach (var (domain, version) in model.Opsets)  // opset_import
            m.Message(8, new ProtoWriter().String(1, domain).Int(2, version));
        return m.ToArray();
    }

    public static void Save(OnnxModel model, string path) => File.WriteAllBytes(path, Serialize(model));

    private static ProtoWriter Graph(OnnxModel model)
    {
        var g = new ProtoWriter();
        foreach (var n in model.Nodes) g.Message(1, Node(n));
        g.String(2, model.GraphName);
        foreach (var t in model.Initializers) g.Message(5, Tensor(t));
        foreach (var v in model.Inputs) g.Message(11, ValueInfo(v));
        foreach (var v in model.Outputs) g.Message(12, ValueInfo(v));
        return g;
    }

    private static ProtoWriter Node(OnnxNode n)
    {
        var w = new ProtoWriter();
        foreach (var i in n.Inputs) w.String(1, i);
        foreach (var o in n.Outputs) w.String(2, o);
        w.String(3, n.Name);
        w.String(4, n.OpType);
        foreach (var a in n.Attrs) w.Message(5, Attribute(a));
        if (n.Domain.Length > 0) w.String(7, n.Domain);
        return w;
    }

    private static ProtoWriter Attribute(OnnxAttribute a)
    {
        var w = new ProtoWriter().String(1, a.Name);
        switch (a.Value)
        {
            case float f: w.Float(2, f).Int(20, AttrFloat); break;
            case long l: w.Int(3, l).Int(20, AttrInt); break;
            case int i: w.Int(3, i).Int(20, AttrInt); break;
            case string s: w.String(4, s).Int(20, AttrString); break;
            case float[] fs: foreach (var f in fs) w.Float(7, f); w.Int(20, AttrFloats); break;
            case long[] ls: foreach (var l in ls) w.Int(8, l); w.Int(20, AttrInts); break;
            case OnnxTensorValue t: w.Message(5, InlineTensor(t)).Int(20, AttrTensor); break;
            default: throw new ArgumentException($"attribute {a.Name}: unsupported value type {a.Value?.GetType().Name}");
        }
        return w;
    }

    private static ProtoWriter Tensor(OnnxInitializer t)
    {
        if (!t.IsExternal) throw new ArgumentException($"initializer {t.Name}: only external-data initializers are written");
        var w = new ProtoWriter();
        foreach (var d in t.Dims) w.Int(1, d);          // dims (unpacked, as proto2 writes them)
        w.Int(2, (int)t.DataType);                       // data_type
        w.String(8, t.Name);                             // name
        w.Message(13, Entry("location", t.Location!));   // external_data
        w.Message(13, Entry("offset", t.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        w.Message(13, Entry("length", t.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        w.Int(14, DataLocationExternal);                 // data_location
        return w;
    }

    private static ProtoWriter InlineTensor(OnnxTensorValue t)
    {
        var w = new ProtoWriter();
        foreach (var d in t.Dims) w.Int(1, d);
        w.Int(2, (int)t.DataType);
        w.Bytes(9, t.RawData);                           // raw_data
        return w;
    }

    private static ProtoWriter Entry(string key, string value) => new ProtoWriter().String(1, key).String(2, value);

    private static ProtoWriter ValueInfo(OnnxValueInfo v)
    {
        var shape = new ProtoWriter();
        foreach (var d in v.Dims)
        {
            var dim = new ProtoWriter();
            if (d.Value is long value) dim.Int(1, value); else dim.String(2, d.Param ?? "");
            shape.Message(1, dim);
        }
        var tensorType = new ProtoWriter().Int(1, (int)v.ElemType).Message(2, shape);
        var type = new ProtoWriter().Message(1, tensorType);
        return new ProtoWriter().String(1, v.Name).Message(2, type);
    }
}

using InferenceEconomics.Models;
using InferenceEconomics.Models.Onnx;
using InferenceEconomics.Models.Synthetic;

namespace InferenceEconomics.Tests.Models.Synthetic;

/// <summary>Damaged model files give ModelFileInvalid with one clear line, before any engine sees them.</summary>
[Collection(OrtCollection.Name)]
public sealed class ValidationTests(SyntheticModelsFixture models)
{
    private string CopyOfTiny(string name)
    {
        var src = models.Folder(WeightPrecision.Int4);
        var dst = Path.Combine(models.Root, "damaged-" + name);
        Directory.CreateDirectory(dst);
        foreach (var f in Directory.GetFiles(src)) File.Copy(f, Path.Combine(dst, Path.GetFileName(f)), overwrite: true);
        return dst;
    }

    [Fact]
    public void IntactModelValidates()
    {
        OnnxModelInspector.Validate(models.Folder(WeightPrecision.Int4), "model.onnx");
        OnnxModelInspector.Validate(models.Folder(WeightPrecision.Fp32), "model.onnx");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.97)]
    [InlineData(0.0)]
    public void TruncatedModelOnnxIsModelFileInvalid(double keep)
    {
        var dir = CopyOfTiny("trunc" + keep);
        var path = Path.Combine(dir, "model.onnx");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<InferenceEconomicsException>(() => OnnxModelInspector.Validate(dir, "model.onnx"));
        Assert.Equal(ErrorKind.ModelFileInvalid, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated or not an ONNX model", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void GarbageBytesAreModelFileInvalid()
    {
        var dir = CopyOfTiny("garbage");
        var path = Path.Combine(dir, "model.onnx");
        File.WriteAllText(path, "this is not protobuf at all, just a text file\n");
        var e = Assert.Throws<InferenceEconomicsException>(() => OnnxModelInspector.Validate(dir, "model.onnx"));
        Assert.Equal(ErrorKind.ModelFileInvalid, e.Kind);
    }

    [Fact]
    public void ShortDataFileIsModelFileInvalid()
    {
        var dir = CopyOfTiny("shortdata");
        var data = Path.Combine(dir, "model.onnx.data");
        using (var f = new FileStream(data, FileMode.Open)) f.SetLength(f.Length - 1);
        var e = Assert.Throws<InferenceEconomicsException>(() => OnnxModelInspector.Validate(dir, "model.onnx"));
        Assert.Equal(ErrorKind.ModelFileInvalid, e.Kind);
        Assert.Contains("model.onnx.data is truncated", e.Message);
        Assert.Contains("regenerate or re-download", e.Message);
    }

    [Fact]
    public void MissingDataFileAndMissingModelAreModelFileInvalid()
    {
        var dir = CopyOfTiny("nodata");
        File.Delete(Path.Combine(dir, "model.onnx.data"));
        Assert.Equal(ErrorKind.ModelFileInvalid, Assert.Throws<InferenceEconomicsException>(() => OnnxModelInspector.Validate(dir, "model.onnx")).Kind);
        File.Delete(Path.Combine(dir, "model.onnx"));
        Assert.Equal(ErrorKind.ModelFileInvalid, Assert.Throws<InferenceEconomicsException>(() => OnnxModelInspector.Validate(dir, "model.onnx")).Kind);
    }

    [Fact]
    public void GenAiConfigOfASyntheticModelReadsBackWithItsShape()
    {
        var cfg = GenAiConfig.Load(models.Folder(WeightPrecision.Int4));
        Assert.Equal(("llama", 2048, 8192, 64, 2, 4, "model.onnx"), (cfg.ModelType, cfg.ContextLength, cfg.VocabSize, cfg.HeadSize, cfg.NumKeyValueHeads, cfg.NumHiddenLayers, cfg.Filename));
        Assert.True(cfg.PastPresentShareBuffer);
        Assert.Null(cfg.PositionIdsName);
        Assert.Empty(cfg.Providers); // CPU form
        Assert.All(cfg.EosTokenIds, e => Assert.InRange(e, 0, cfg.VocabSize - 1));
        Assert.InRange(cfg.PadTokenId, 0, cfg.VocabSize - 1);
        Assert.Equal(["cuda"], GenAiConfig.Load(models.Folder(WeightPrecision.Fp16)).Providers); // the CUDA form
    }

    [Fact]
    public void ManifestSaysSyntheticAndRoundTrips()
    {
        var m = SyntheticFiles.TryReadManifest(models.Folder(WeightPrecision.Int4));
        Assert.NotNull(m);
        Assert.Equal("tiny", m.Preset);
        Assert.Equal(1234, m.Seed);
        Assert.Equal(WeightPrecision.Int4, m.Precision);
        Assert.Equal(IoDType.Float32, m.Io);
        Assert.Equal(SyntheticPresets.Get("tiny"), m.Shape);
        Assert.Null(SyntheticFiles.TryReadManifest(models.Root)); // a folder without synthetic.json: real weights
    }
}

using System.Buffers.Binary;
using ScottPlot;

namespace InferenceEconomics.Reporting.Charts;

/// <summary>A chart ready to render: a file stem ("decode_tps"), a title for HTML, and the ScottPlot figure.</summary>
public sealed record ChartSpec(string Name, string Title, Plot Plot, int Width = ChartImage.DefaultWidth, int Height = ChartImage.DefaultHeight)
{
    /// <summary>True when the value (y) axis is logarithmic: the plot holds log10 of the values, its ticks name the values.</summary>
    public bool LogY { get; init; }
    /// <summary>True when the x axis is logarithmic, as <see cref="LogY"/>.</summary>
    public bool LogX { get; init; }
}

/// <summary>One rendered chart: PNG bytes and SVG text of the same figure.</summary>
public sealed record RenderedChart(string Name, string Title, byte[] Png, string Svg, int Width, int Height);

public static class ChartImage
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 520;

    public static RenderedChart Render(ChartSpec spec)
    {
        var png = spec.Plot.GetImageBytes(spec.Width, spec.Height, ImageFormat.Png);
        // Skia's SVG canvas cannot draw dash effects: it would draw them solid anyway and print
        // "Unsupported path effect" on stdout from native code. Draw the SVG with solid lines.
        foreach (var p in spec.Plot.GetPlottables())
        {
            if (p is ScottPlot.Plottables.Scatter sc) sc.LineStyle.Pattern = LinePattern.Solid;
            else if (p is ScottPlot.Plottables.AxisLine al) al.LineStyle.Pattern = LinePattern.Solid;
        }
        var svg = spec.Plot.GetSvgXml(spec.Width, spec.Height);
        return new RenderedChart(spec.Name, spec.Title, png, svg, spec.Width, spec.Height);
    }

    /// <summary>Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian); null when not a PNG.</summary>
    public static (int Width, int Height)? PngSize(ReadOnlySpan<byte> png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 24 || !png[..8].SequenceEqual(signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8)) return null;
        return (BinaryPrimitives.ReadInt32BigEndian(png.Slice(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.Slice(20, 4)));
    }
}

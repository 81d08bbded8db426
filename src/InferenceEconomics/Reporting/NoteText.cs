using System.Net;

namespace InferenceEconomics.Reporting;

/// <summary>The one renderer of honesty notes, per output format. Every output says each note once.</summary>
public static class NoteText
{
    /// <summary>Blockquoted bold lines at the top of report.md.</summary>
    public static IEnumerable<string> Markdown(IEnumerable<Note> notes) => Notes.Distinct(notes).Select(n => $"> **{MarkdownText.Inline(n.Text)}**");

    /// <summary>"NOTE: ..." lines on the console.</summary>
    public static IEnumerable<string> Console(IEnumerable<Note> notes) => Notes.Distinct(notes).Select(n => $"NOTE: {n.Text}");

    /// <summary>A list for report.html (the caller places it once).</summary>
    public static string Html(IEnumerable<Note> notes)
    {
        var list = Notes.Distinct(notes);
        if (list.Count == 0) return "";
        return "<div class=\"labels\" id=\"labels\"><ul>\n" + string.Concat(list.Select(n => $"<li>⚠ {WebUtility.HtmlEncode(n.Text)}</li>\n")) + "</ul></div>\n";
    }

    /// <summary>The short tags a chart carries for the notes that change how to read it (synthetic weights, an unfinished run).</summary>
    public static List<string> ChartTags(IEnumerable<Note> notes) =>
        Notes.Distinct(notes).Where(n => n.Kind is NoteKind.Synthetic or NoteKind.Status)
            .Select(n => n.Kind == NoteKind.Synthetic ? "synthetic weights" : n.Text).ToList();

    /// <summary>The cost analysis's notes (its free-text labels, estimated power, unknown prices), once each.</summary>
    public static IReadOnlyList<Note> OfCost(Economics.CostComparison c)
    {
        var list = c.Labels.Select(Notes.Label).ToList();
        if (c.Pricing.WattsSource == "estimated" && !c.Labels.Any(l => l.Contains("estimated", StringComparison.OrdinalIgnoreCase)))
            list.Add(new Note(NoteKind.Estimate, "power_estimated", "energy from estimated watts"));
        if (c.Api.Any(a => a.CostPerRequest is null))
            list.Add(new Note(NoteKind.Unknown, "api_price_unknown", "some API prices unknown (not shown)"));
        return Notes.Distinct(list);
    }
}

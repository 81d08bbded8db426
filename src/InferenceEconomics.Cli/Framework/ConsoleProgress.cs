using System.Globalization;
using InferenceEconomics.Measurement;
using Spectre.Console;

namespace InferenceEconomics.Cli.Framework;

/// <summary>
/// The one progress display of the CLI, on stderr so stdout stays the report: a live Spectre.Console bar in a
/// terminal; in a log (stderr redirected), a line per stage and per scenario, nothing else.
/// </summary>
internal static class ConsoleProgress
{
    /// <summary>Runs <paramref name="work"/> with a progress sink (null when quiet) and clears the display after.</summary>
    public static T Run<T>(CliContext ctx, bool quiet, Func<IProgress<RunProgress>?, T> work)
    {
        if (quiet) return work(null);
        if (!ctx.Interactive) return work(new LineProgress(ctx.Error));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(ctx.Error), Interactive = InteractionSupport.Yes });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new SpinnerColumn())
            .Start(p =>
            {
                var task = p.AddTask("starting", maxValue: 1);
                result = work(new Common.SyncProgress<RunProgress>(r =>
                {
                    task.Description = Markup.Escape(TerminalText.Clean(Describe(r)));
                    if (Overall(r) is { } f) task.Value = f;
                }));
                task.Value = 1;
            });
        return result;
    }

    /// <summary>Progress of one fraction (0..1) of a named stage, e.g. generating a synthetic model.</summary>
    public static IProgress<double> Fraction(IProgress<RunProgress>? sink, string stage) =>
        new Common.SyncProgress<double>(f => sink?.Report(new RunProgress(stage, f, null)));

    private static double? Overall(RunProgress p) => p.Sweep is { } s
        ? (s.ScenarioIndex + (s.Budget > 0 ? Math.Min(1, s.Elapsed / s.Budget) : 0)) / s.ScenarioCount
        : p.Fraction;

    private static string Describe(RunProgress p)
    {
        if (p.Sweep is { } s)
        {
            string stats = s.DecodeTpsMedian is double d
                ? string.Create(CultureInfo.InvariantCulture, $" decode {d:F1} t/s ±{(s.CiHalfWidth ?? 0) * 100:F1}%")
                : "";
            return $"scenario {s.ScenarioIndex + 1}/{s.ScenarioCount} {s.Scenario.Id} {s.Phase} rep {s.Repetitions}{stats}";
        }
        return p.Fraction is double f ? string.Create(CultureInfo.InvariantCulture, $"{p.Stage} {f * 100:F0}%") : $"{p.Stage}...";
    }

    /// <summary>Logs get one line per scenario and per quarter of a model build.</summary>
    private sealed class LineProgress(TextWriter writer) : IProgress<RunProgress>
    {
        private string _last = "";

        public void Report(RunProgress p)
        {
            if (p.Sweep is null && p.Fraction is null) return;
            var key = p.Sweep is { } s ? s.Scenario.Id + s.Phase : p.Stage + (int)(p.Fraction!.Value * 4);
            if (key == _last) return;
            _last = key;
            if (p.Sweep is null || p.Sweep.Phase == "warm-up") writer.WriteLine(TerminalText.Clean(Describe(p)));
        }
    }
}

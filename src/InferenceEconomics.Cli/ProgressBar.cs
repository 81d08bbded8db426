using System.Globalization;
using InferenceEconomics.Measurement;

namespace InferenceEconomics.Cli;

/// <summary>
/// Console progress for a run, on stderr so stdout stays the report. Redraws one line in a
/// terminal; otherwise prints a line per stage change and per finished scenario.
/// </summary>
internal sealed class ProgressBar(TextWriter writer, bool interactive) : IProgress<RunProgress>
{
    private string _lastStage = "";
    private string _lastScenario = "";
    private int _lastWidth;
    private DateTime _lastDraw = DateTime.MinValue;
    private readonly object _gate = new();

    public void Report(RunProgress p)
    {
        lock (_gate)
        {
            string line = Describe(p);
            if (interactive)
            {
                if ((DateTime.UtcNow - _lastDraw).TotalMilliseconds < 80 && p.Stage == _lastStage) return;
                _lastDraw = DateTime.UtcNow;
                writer.Write("\r" + line.PadRight(_lastWidth));
                _lastWidth = line.Length;
            }
            else
            {
                // Logs get one line per scenario and per quarter of a model build, nothing else.
                if (p.Sweep is null && p.Fraction is null) return;
                var key = p.Sweep is { } s ? s.Scenario.Id + s.Phase : p.Stage + (int)(p.Fraction!.Value * 4);
                if (key == _lastScenario) return;
                _lastScenario = key;
                if (p.Sweep is null || p.Sweep.Phase == "warm-up") writer.WriteLine(line);
            }
            _lastStage = p.Stage;
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (interactive && _lastWidth > 0) writer.Write("\r" + new string(' ', _lastWidth) + "\r");
            _lastWidth = 0;
        }
    }

    private static string Describe(RunProgress p)
    {
        if (p.Sweep is { } s)
        {
            double frac = s.Budget > 0 ? Math.Min(1, s.Elapsed / s.Budget) : 0;
            string bar = Bar((s.ScenarioIndex + frac) / s.ScenarioCount);
            string stats = s.DecodeTpsMedian is double d
                ? string.Create(CultureInfo.InvariantCulture, $" decode {d:F1} t/s ±{(s.CiHalfWidth ?? 0) * 100:F1}%")
                : "";
            return $"{bar} scenario {s.ScenarioIndex + 1}/{s.ScenarioCount} {s.Scenario.Id} {s.Phase} rep {s.Repetitions}{stats}";
        }
        return p.Fraction is double f ? $"{Bar(f)} {p.Stage} {f * 100:F0}%" : $"{p.Stage}...";
    }

    private static string Bar(double f)
    {
        int n = (int)Math.Round(Math.Clamp(f, 0, 1) * 24);
        return "[" + new string('#', n) + new string('.', 24 - n) + "]";
    }
}

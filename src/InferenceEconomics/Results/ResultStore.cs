using System.Text;
using System.Text.Json;
using InferenceEconomics.Common;

namespace InferenceEconomics.Results;

/// <summary>
/// Result files on disk, written through <see cref="AtomicFile"/>: a reader never sees a partial document
/// (an interrupted write leaves at most a temp file, which readers ignore and the next write removes).
/// </summary>
public static class ResultStore
{
    public const string ResultFileName = "result.json";

    /// <summary>results/&lt;utc-time&gt;_&lt;host&gt;_&lt;model&gt;/ — sortable by time, safe file name characters only.</summary>
    public static string RunFolderName(DateTimeOffset startedUtc, string host, string model) =>
        $"{startedUtc.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}_{Sanitize(host)}_{Sanitize(model)}";

    /// <summary>Creates results/&lt;name&gt; — or &lt;name&gt;-2, -3, … when runs start in the same second — and returns it.</summary>
    public static string CreateUniqueRunFolder(string resultsDir, string name)
    {
        Directory.CreateDirectory(resultsDir);
        for (int i = 1; ; i++)
        {
            var dir = Path.Combine(resultsDir, i == 1 ? name : $"{name}-{i}");
            // Creating a fresh temp folder and renaming it claims the name atomically against a concurrent run.
            if (Directory.Exists(dir)) continue;
            var tmp = Path.Combine(resultsDir, $".{name}.{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(tmp);
            try { Directory.Move(tmp, dir); return dir; }
            catch (IOException) { Directory.Delete(tmp); if (!Directory.Exists(dir)) throw; }
        }
    }

    public static string Sanitize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s) sb.Append(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' ? ch : '-');
        return sb.ToString().Trim('-', '.') is { Length: > 0 } t ? t : "unnamed";
    }

    public static void Save(RunResult result, string runFolder) =>
        AtomicFile.Write(Path.Combine(runFolder, ResultFileName), ResultJson.Serialize(result));

    /// <summary>
    /// Finished scenarios of a running sweep, one JSON document a line, appended as each finishes (beside result.json,
    /// which is rewritten only now and then): the bytes written grow linearly with the sweep, not quadratically.
    /// Readers merge it into a running result; the final save compacts it into result.json and removes it.
    /// </summary>
    public const string JournalFileName = "result.journal.jsonl";

    /// <summary>Appends one finished scenario to the run's journal and flushes it to disk.</summary>
    public static void AppendToJournal(string runFolder, ScenarioResult scenario)
    {
        var path = Path.Combine(runFolder, JournalFileName);
        if (AtomicFile.Kind(path) is not (AtomicFile.FileKind.Missing or AtomicFile.FileKind.Regular))
            throw new InferenceEconomicsException(ErrorKind.FileAccess, $"'{path}' is not a regular file; the tool writes only its own journal there");
        var line = Encoding.UTF8.GetBytes(ResultJson.Serialize(scenario).ReplaceLineEndings(" ") + "\n");
        using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        fs.Write(line);
        fs.Flush(flushToDisk: true);
    }

    /// <summary>The final document is in result.json: the journal has nothing more to say.</summary>
    public static void RemoveJournal(string runFolder)
    {
        var path = Path.Combine(runFolder, JournalFileName);
        if (AtomicFile.Kind(path) == AtomicFile.FileKind.Regular) File.Delete(path);
    }

    /// <summary>A running result with the journal's scenarios that result.json does not hold yet (a torn last line, from a kill, is skipped).</summary>
    private static RunResult WithJournal(RunResult r, string folder)
    {
        var path = Path.Combine(folder, JournalFileName);
        if (r.Status is not (RunStatus.Running or RunStatus.Abandoned) || AtomicFile.Kind(path) != AtomicFile.FileKind.Regular) return r;
        var known = r.Scenarios.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var added = new List<ScenarioResult>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            ScenarioResult s;
            try { s = ResultJson.Deserialize<ScenarioResult>(line); }
            catch (JsonException) { continue; }
            if (known.Add(s.Id)) added.Add(s);
        }
        return added.Count == 0 ? r : r with { Scenarios = [.. r.Scenarios, .. added] };
    }

    /// <summary>Loads a result from a result.json path or a run folder. Errors are ResultInvalid with the path.</summary>
    public static RunResult Load(string pathOrFolder)
    {
        var path = Directory.Exists(pathOrFolder) ? Path.Combine(pathOrFolder, ResultFileName) : pathOrFolder;
        if (!File.Exists(path))
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"no result at '{pathOrFolder}'; give a result.json or a run folder under results/");
        return WithJournal(Parse(File.ReadAllText(path), path), Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>A result document from its JSON text; <paramref name="origin"/> names it in errors (a path, a run id in a store).</summary>
    public static RunResult Parse(string json, string origin)
    {
        RunResult r;
        try { r = ResultJson.Deserialize<RunResult>(json); }
        catch (JsonException e)
        {
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid,
                $"{origin}: not a valid result document at {JsonErrorText.Where(e)} ({JsonErrorText.Reason(e)})", e);
        }
        var major = r.SchemaVersion.Split('.')[0];
        if (major != RunResult.CurrentSchemaVersion.Split('.')[0])
            throw new InferenceEconomicsException(ErrorKind.ResultInvalid, $"{origin} has schema {r.SchemaVersion}; this tool reads {RunResult.CurrentSchemaVersion.Split('.')[0]}.x — use a matching version of the tool");
        return RunLiveness.AsSeen(r);
    }

    /// <summary>Every readable run under a results folder, oldest first; unreadable ones are returned as errors.</summary>
    public static IReadOnlyList<(string Folder, RunResult? Result, string? Error)> Scan(string resultsDir)
    {
        var list = new List<(string, RunResult?, string?)>();
        if (!Directory.Exists(resultsDir)) return list;
        foreach (var dir in Directory.GetDirectories(resultsDir).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(dir, ResultFileName))) continue;
            try { list.Add((dir, Load(dir), null)); }
            catch (InferenceEconomicsException e) { list.Add((dir, null, e.Message)); }
        }
        return list;
    }
}

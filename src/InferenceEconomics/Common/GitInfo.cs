namespace InferenceEconomics.Common;

/// <summary>The harness's git commit, read from .git without starting a process.</summary>
internal static class GitInfo
{
    public static string? Commit(string root)
    {
        try
        {
            var git = Path.Combine(root, ".git");
            if (File.Exists(git)) // a worktree: "gitdir: <path>"
            {
                var line = File.ReadAllText(git).Trim();
                if (!line.StartsWith("gitdir:", StringComparison.Ordinal)) return null;
                git = Path.GetFullPath(Path.Combine(root, line[7..].Trim()));
            }
            var headFile = Path.Combine(git, "HEAD");
            if (!File.Exists(headFile)) return null;
            var head = File.ReadAllText(headFile).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal)) return head;
            var refName = head[4..].Trim();
            var common = File.Exists(Path.Combine(git, "commondir")) ? Path.GetFullPath(Path.Combine(git, File.ReadAllText(Path.Combine(git, "commondir")).Trim())) : git;
            foreach (var dir in new[] { git, common })
            {
                var refFile = Path.Combine(dir, refName);
                if (File.Exists(refFile)) return File.ReadAllText(refFile).Trim();
            }
            var packed = Path.Combine(common, "packed-refs");
            if (File.Exists(packed))
                foreach (var l in File.ReadLines(packed))
                    if (l.EndsWith(" " + refName, StringComparison.Ordinal)) return l.Split(' ')[0];
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}

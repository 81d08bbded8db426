namespace InferenceEconomics.Models;

/// <summary>What a path on disk turned out to be, with the reason when it cannot be used.</summary>
public enum PathState { Missing, File, Directory, DanglingLink, LinkLoop, Unreadable }

/// <summary>
/// Says accurately why a model path cannot be used: missing, a broken or looping symbolic link, a folder
/// where a file belongs (or the reverse), or unreadable (permissions). "Does not exist" is said only of
/// what really does not exist; everything the tool cannot read is ErrorKind.FileAccess (exit 14).
/// </summary>
public static class ModelFileAccess
{
    /// <summary>Classifies <paramref name="path"/> (following symbolic links); <paramref name="detail"/> holds the system's words on failure.</summary>
    public static PathState Probe(string path, out string? detail)
    {
        detail = null;
        // .NET falls back to the link itself when its target cannot be stat'ed: resolve links first.
        if (LinkTarget(path) is { } target)
        {
            FileSystemInfo? final;
            try { final = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true); }
            catch (IOException) { detail = "too many levels of symbolic links"; return PathState.LinkLoop; }
            catch (UnauthorizedAccessException e) { detail = e.Message; return PathState.Unreadable; }
            if (final is null) return Stat(path, ref detail);
            var state = Stat(final.FullName, ref detail);
            if (state == PathState.Missing) { detail = target; return PathState.DanglingLink; }
            return state;
        }
        return Stat(path, ref detail);
    }

    private static PathState Stat(string path, ref string? detail)
    {
        try
        {
            var attributes = File.GetAttributes(path);
            return (attributes & FileAttributes.Directory) != 0 ? PathState.Directory : PathState.File;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return PathState.Missing;
        }
        catch (UnauthorizedAccessException e)
        {
            detail = e.Message;
            return PathState.Unreadable;
        }
        catch (IOException e)
        {
            detail = e.Message;
            return PathState.Unreadable;
        }
    }

    /// <summary>
    /// Throws unless <paramref name="dir"/> is a folder this process can list. Missing → <paramref name="missingKind"/>
    /// with <paramref name="missingMessage"/>; anything else → FileAccess with what it is instead.
    /// </summary>
    public static void RequireFolder(string dir, ErrorKind missingKind, string missingMessage)
    {
        switch (Probe(dir, out var detail))
        {
            case PathState.Directory:
                try { using var e = Directory.EnumerateFileSystemEntries(dir).GetEnumerator(); e.MoveNext(); }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException) { throw CannotRead(dir, "folder", ex.Message, ex); }
                return;
            case PathState.Missing: throw new InferenceEconomicsException(missingKind, missingMessage);
            default: throw Unusable(dir, "a folder", detail);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="path"/> is a regular file this process can open for reading.
    /// Missing → <paramref name="missingKind"/> with <paramref name="missingMessage"/>; anything else → FileAccess.
    /// </summary>
    public static void RequireReadableFile(string path, ErrorKind missingKind, string missingMessage)
    {
        var state = Probe(path, out var detail);
        if (state == PathState.Missing)
        {
            // A folder that can be listed but not searched hides its files from stat: say so, not "missing".
            var parent = Path.GetDirectoryName(Path.GetFullPath(path));
            if (parent is not null && Probe(parent, out var parentDetail) is PathState.Unreadable)
                throw CannotRead(parent, "folder", parentDetail, null);
            if (parent is not null && ListedButNotSearchable(parent, Path.GetFileName(path)))
                throw CannotRead(path, "file", "permission denied on its folder", null);
            throw new InferenceEconomicsException(missingKind, missingMessage);
        }
        if (state != PathState.File) throw Unusable(path, "a file", detail);
        try { using var _ = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException) { throw CannotRead(path, "file", e.Message, e); }
    }

    /// <summary>The FileAccess error for a path that exists but is not what is needed.</summary>
    public static InferenceEconomicsException Unusable(string path, string needed, string? detail) => Probe(path, out _) switch
    {
        PathState.File => new(ErrorKind.FileAccess, $"'{path}' is a file where {needed} is needed; point at the model folder (or fix the file)"),
        PathState.Directory => new(ErrorKind.FileAccess, $"'{path}' is a folder where {needed} is needed; replace it with the file the model expects"),
        PathState.DanglingLink => new(ErrorKind.FileAccess, $"'{path}' is a symbolic link to '{detail}', which does not exist; fix or remove the link"),
        PathState.LinkLoop => new(ErrorKind.FileAccess, $"'{path}' is a symbolic link loop ({detail ?? "too many levels of symbolic links"}); fix the link"),
        PathState.Unreadable => CannotRead(path, needed.Contains("folder", StringComparison.Ordinal) ? "folder" : "file", detail, null),
        _ => new(ErrorKind.FileAccess, $"'{path}' cannot be used as {needed}{(detail is null ? "" : $" ({detail})")}"),
    };

    /// <summary>"cannot read …": a permission (or other I/O) refusal of a path the user named.</summary>
    public static InferenceEconomicsException CannotRead(string path, string what, string? why, Exception? inner) =>
        new(ErrorKind.FileAccess, $"cannot read {what} '{path}' ({Reason(why)}); check its permissions (and those of the folders above it)", inner);

    private static string Reason(string? why)
    {
        if (string.IsNullOrWhiteSpace(why)) return "permission denied";
        return why.Contains("denied", StringComparison.OrdinalIgnoreCase) ? "permission denied" : why.Trim().TrimEnd('.');
    }

    private static string? LinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static bool ListedButNotSearchable(string dir, string name)
    {
        try { return Directory.EnumerateFileSystemEntries(dir, name).Any(); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException) { return false; }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace InferenceEconomics.Common;

/// <summary>
/// The one way the tool writes a file. It writes only a regular file or a new path: a folder, a device node,
/// a FIFO, a socket, or a link whose target leaves the destination folder (or <c>within</c>) is refused
/// (FileAccess, one line) with nothing changed. The content goes to a temp file in the same folder
/// (".&lt;name&gt;.&lt;pid&gt;.&lt;32 hex&gt;.tmp"), is flushed to disk, then renamed over the target, so a reader never
/// sees a partial file. Temp files of writers that died (kill -9) are removed at the next write into that folder.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>A temp file is left alone this long (its writer may be finishing), whatever its pid says.</summary>
    internal static readonly TimeSpan OrphanMinAge = TimeSpan.FromSeconds(5);
    /// <summary>Past this age a temp file is an orphan even if its pid is alive (a reused pid, another host).</summary>
    internal static readonly TimeSpan OrphanMaxAge = TimeSpan.FromHours(1);

    [GeneratedRegex(@"^\..+\.(?<pid>[0-9]{1,10})\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TempName();

    public static void Write(string path, string content, string? within = null) => Write(path, Encoding.UTF8.GetBytes(content), within);

    public static void Write(string path, ReadOnlySpan<byte> content, string? within = null) => Write(path, content, within, beforeCommit: null);

    /// <param name="within">When given, the file's real location (links resolved) must lie inside this folder.</param>
    /// <param name="beforeCommit">Runs after the temp file is written, before the rename (tests simulate a crash there).</param>
    internal static void Write(string path, ReadOnlySpan<byte> content, string? within, Action? beforeCommit)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? throw Refuse(path, "has no parent folder");
        CheckTarget(full, path, dir, within);
        if (within is not null && !IsInside(RealPath(dir), RealPath(within)))
            throw Refuse(path, $"lies outside '{within}' once links are followed; the tool writes only inside it (remove the link)");
        Directory.CreateDirectory(dir);
        CleanOrphans(dir);
        var tmp = Path.Combine(dir, TempFileName(Path.GetFileName(full)));
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                fs.Write(content);
                fs.Flush(flushToDisk: true);
            }
            beforeCommit?.Invoke();
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>".result.json.&lt;pid&gt;.&lt;guid&gt;.tmp": the writer's own pattern, the only names <see cref="CleanOrphans"/> removes.</summary>
    internal static string TempFileName(string target) =>
        $".{target}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp";

    internal static bool IsTempFileName(string name) => TempName().IsMatch(name);

    /// <summary>
    /// Removes temp files this writer left in <paramref name="dir"/> when their writer is gone: names matching
    /// <see cref="TempFileName"/> only, older than <see cref="OrphanMinAge"/>, and whose pid is not a live
    /// process here (or older than <see cref="OrphanMaxAge"/>). Returns how many were removed.
    /// </summary>
    public static int CleanOrphans(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        int removed = 0;
        var now = DateTime.UtcNow;
        foreach (var file in Directory.EnumerateFiles(dir, ".*.tmp"))
        {
            var m = TempName().Match(Path.GetFileName(file));
            if (!m.Success) continue;
            try
            {
                var info = new FileInfo(file);
                if (info.LinkTarget is not null || Kind(file) != FileKind.Regular) continue;
                var age = now - info.LastWriteTimeUtc;
                if (age < OrphanMinAge) continue;
                if (age < OrphanMaxAge && int.TryParse(m.Groups["pid"].Value, CultureInfo.InvariantCulture, out var pid) && IsAlive(pid)) continue;
                File.Delete(file);
                removed++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>Deletes a file the tool wrote, only if it is a regular file inside <paramref name="within"/> (links resolved).</summary>
    public static bool DeleteOwn(string path, string within)
    {
        var full = Path.GetFullPath(path);
        if (Kind(full) != FileKind.Regular) return false;
        if (!IsInside(RealPath(Path.GetDirectoryName(full)!), RealPath(within))) return false;
        File.Delete(full);
        return true;
    }

    private static void CheckTarget(string full, string shown, string dir, string? within)
    {
        switch (Kind(full))
        {
            case FileKind.Missing or FileKind.Regular: return;
            case FileKind.Directory: throw Refuse(shown, "is a folder; give the path of a file");
            case FileKind.Link:
                var target = RealPath(full);
                var allowed = RealPath(within ?? dir);
                if (!IsInside(Path.GetDirectoryName(target) ?? target, allowed))
                    throw Refuse(shown, $"is a link to '{target}', outside '{within ?? dir}'; the tool does not write through it (remove the link or give another path)");
                if (Kind(target) is not (FileKind.Missing or FileKind.Regular))
                    throw Refuse(shown, $"is a link to '{target}', which is not a regular file; give another path");
                return;
            case var other:
                throw Refuse(shown, $"is {Describe(other)}, not a regular file; the tool writes only regular files or new paths (give another path)");
        }
    }

    private static InferenceEconomicsException Refuse(string path, string why) => new(ErrorKind.FileAccess, $"'{path}' {why}");

    private static string Describe(FileKind k) => k switch
    {
        FileKind.CharDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        _ => "a special file",
    };

    private static bool IsInside(string path, string folder)
    {
        var f = Path.TrimEndingDirectorySeparator(folder);
        return path == f || path.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>The path with every link resolved, component by component (the missing tail kept as given).</summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var parts = new Queue<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        var current = root;
        int hops = 0;
        while (parts.Count > 0)
        {
            var next = Path.Combine(current, parts.Dequeue());
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is { } link && ++hops <= 40)
            {
                var resolved = Path.GetFullPath(Path.IsPathRooted(link) ? link : Path.Combine(current, link));
                var rest = parts.ToArray();
                var rroot = Path.GetPathRoot(resolved) ?? "/";
                parts = new Queue<string>(resolved[rroot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                current = rroot;
                continue;
            }
            current = next;
        }
        return current;
    }

    internal enum FileKind { Missing, Regular, Directory, Link, Fifo, CharDevice, BlockDevice, Socket, Other }

    /// <summary>What is at <paramref name="path"/> itself (a link is not followed).</summary>
    internal static FileKind Kind(string path)
    {
        if (Lstat.Mode(path) is { } mode)
            return (mode & 0xF000) switch
            {
                _ when mode == 0 => FileKind.Missing,
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0xA000 => FileKind.Link,
                0x1000 => FileKind.Fifo,
                0x2000 => FileKind.CharDevice,
                0x6000 => FileKind.BlockDevice,
                0xC000 => FileKind.Socket,
                _ => FileKind.Other,
            };
        // Without the runtime's stat (Windows): what .NET itself can tell.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return FileKind.Link;
        if (Directory.Exists(path)) return FileKind.Directory;
        return info.Exists ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>
    /// lstat through the .NET runtime's own native shim (System.Native, present on every Unix runtime): its
    /// FileStatus starts with Flags then Mode (two int32), the same layout on every architecture.
    /// </summary>
    private static unsafe class Lstat
    {
        private static readonly delegate* unmanaged<byte*, byte*, int> Fn = Load();

        private static delegate* unmanaged<byte*, byte*, int> Load()
        {
            if (OperatingSystem.IsWindows()) return null;
            foreach (var name in new[] { "libSystem.Native", "System.Native" })
                if (NativeLibrary.TryLoad(name, typeof(AtomicFile).Assembly, null, out var lib)
                    && NativeLibrary.TryGetExport(lib, "SystemNative_LStat", out var fn))
                    return (delegate* unmanaged<byte*, byte*, int>)fn;
            return null;
        }

        /// <summary>st_mode (type bits in the POSIX values); 0 when nothing is there; null when the shim is not there or cannot tell.</summary>
        public static int? Mode(string path)
        {
            if (Fn == null) return null;
            var bytes = Encoding.UTF8.GetBytes(path + "\0");
            var status = stackalloc byte[512]; // FileStatus is about 120 bytes; room to spare
            fixed (byte* p = bytes)
            {
                if (Fn(p, status) != 0) return File.Exists(path) || Directory.Exists(path) ? null : 0;
            }
            return *(int*)(status + 4);
        }
    }
}

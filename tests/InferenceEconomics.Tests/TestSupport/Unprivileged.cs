using System.Diagnostics;

namespace InferenceEconomics.Tests.TestSupport;

/// <summary>
/// Permission tests need a process that file modes really bind. CI runs as root, whose CAP_DAC_OVERRIDE and
/// CAP_DAC_READ_SEARCH ignore them: there the CLI runs under util-linux's setpriv with both capabilities dropped
/// from its bounding and inheritable sets. A non-root user needs no prefix. Null where neither works.
/// </summary>
public static class Unprivileged
{
    private static readonly string[] DropCaps =
        ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search", "--"];

    private static readonly Lazy<(string[]? Prefix, string Why)> Probe = new(Find);

    /// <summary>The command to put before "dotnet ie.dll …"; null when no way to drop the override was found.</summary>
    public static string[]? Prefix => Probe.Value.Prefix;

    public static string WhyNot => Probe.Value.Why;

    private static (string[]?, string) Find()
    {
        if (OperatingSystem.IsWindows()) return (null, "file modes are POSIX-only");
        var dir = Directory.CreateTempSubdirectory("ie-perm-probe-").FullName;
        try
        {
            var file = Path.Combine(dir, "secret");
            File.WriteAllText(file, "x");
            File.SetUnixFileMode(file, UnixFileMode.None);
            if (!CanRead([], file)) return ([], "");
            if (CanRead(DropCaps, file) is false && Exited0(DropCaps, "true")) return (DropCaps, "");
            return (null, "running as root and 'setpriv' (util-linux) cannot drop CAP_DAC_OVERRIDE here: a mode-000 file stays readable");
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static bool CanRead(string[] prefix, string file) => Exited0(prefix, "cat", file);

    private static bool Exited0(string[] prefix, params string[] command)
    {
        var argv = prefix.Concat(command).ToArray();
        try
        {
            var psi = new ProcessStartInfo(argv[0], argv.Skip(1)) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; } // setpriv absent
    }
}

/// <summary>A fact that needs file permissions to bind (see <see cref="Unprivileged"/>): skipped, with the reason, where they cannot.</summary>
public sealed class PermissionFactAttribute : FactAttribute
{
    public PermissionFactAttribute()
    {
        if (Unprivileged.Prefix is null) Skip = Unprivileged.WhyNot;
    }
}

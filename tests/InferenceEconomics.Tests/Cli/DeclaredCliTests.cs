using System.Text.RegularExpressions;
using InferenceEconomics.Cli;
using InferenceEconomics.Cli.Commands;
using InferenceEconomics.Cli.Framework;
using InferenceEconomics.Tests.TestSupport;

namespace InferenceEconomics.Tests.Cli;

/// <summary>
/// The declared command tree as a user meets it: every command refuses an unknown option and an option
/// without its value with one line and exit 2; help shows each option's default as the settings hold it;
/// help texts are pinned by snapshots (an unexpected change to what users read fails here).
/// </summary>
public class DeclaredCliTests
{
    /// <summary>Every runnable command by its path ("run", "models synth", "fleet status"), with placeholder values for its required arguments.</summary>
    internal static IEnumerable<(string[] Path, ICliCommand Command)> Commands()
    {
        IEnumerable<(string[], ICliCommand)> Walk(string[] prefix, ICliCommand c)
        {
            var path = prefix.Append(c.Name).ToArray();
            if (c.Runnable) yield return (path, c);
            foreach (var s in c.Subcommands)
                foreach (var x in Walk(path, s)) yield return x;
        }
        return CliMain.Commands.SelectMany(c => Walk([], c));
    }

    public static TheoryData<string> CommandPaths() => new(Commands().Select(c => string.Join(' ', c.Path)));

    private static (string[] Path, ICliCommand Command) Find(string path) => Commands().Single(c => string.Join(' ', c.Path) == path);

    /// <summary>Words that satisfy the command's required arguments (parsing stops before anything runs).</summary>
    private static string[] Required(ICliCommand c) =>
        c.Parameters.Where(p => p.IsArgument).SelectMany(p => Enumerable.Repeat(p.Choices?[0] ?? "x", p.MinValues)).ToArray();

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void An_unknown_option_is_exit_2_in_one_line_with_a_suggestion(string path)
    {
        var (words, command) = Find(path);
        var first = command.Parameters.FirstOrDefault(p => !p.IsArgument);
        // A near miss of a declared option is named back with the option it resembles.
        var typo = first is null ? "--no-such-option" : first.Name + "x";
        var o = CliRunner.Run([.. words, .. Required(command), typo]);
        Assert.Equal(2, o.ExitCode);
        var line = Assert.Single(o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: unknown option {typo}", line);
        if (first is not null) Assert.Contains($"did you mean {first.Name}", line);
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void Every_value_option_without_its_value_is_exit_2_in_one_line(string path)
    {
        var (words, command) = Find(path);
        foreach (var option in command.Parameters.Where(p => !p.IsArgument && !p.IsFlag))
        {
            var o = CliRunner.Run([.. words, .. Required(command), option.Name]);
            Assert.True(o.ExitCode == 2, $"{path} {option.Name}: exit {o.ExitCode}: {o.Err}");
            var line = Assert.Single(o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"error: option {option.Name} needs a value", line);
        }
    }

    [Fact]
    public void An_option_of_one_command_is_unknown_to_another()
    {
        var o = CliRunner.Run("models", "list", "--batch", "8");
        Assert.Equal(2, o.ExitCode);
        Assert.StartsWith("error: unknown option --batch", o.Err);
    }

    [Fact]
    public void Models_clean_all_with_a_name_is_refused_and_deletes_nothing()
    {
        using var tmp = new TempDir();
        var paths = new ProjectPaths(tmp.Path);
        var cache = Directory.CreateDirectory(Path.Combine(paths.SyntheticCacheDir, "tiny-fp32-x")).FullName;
        File.WriteAllText(Path.Combine(cache, "model.onnx"), "keep me");
        var o = CliRunner.RunWith(paths, "models", "clean", "--all", "NAME");
        Assert.Equal(2, o.ExitCode);
        Assert.Single(o.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(cache, "model.onnx")));
    }

    [Fact]
    public void Help_prints_each_default_from_a_fresh_settings_object()
    {
        var help = CliRunner.Run("run", "--help").Out;
        var d = new RunSettings();
        // Written out independently of the help renderer: the settings' own values, as a user types them.
        Assert.Contains($"--batch LIST", help);
        Assert.Matches(new Regex(@"--batch LIST .*\(default " + string.Join(",", d.BatchSizes) + @"\)"), help);
        Assert.Matches(new Regex(@"--min-reps N .*\(default " + d.MinRepetitions + @"\)"), help);
        Assert.Matches(new Regex(@"--ci-target PCT .*\(default " + (d.CiTarget * 100) + @"%\)"), help);
        Assert.Matches(new Regex(@"--model M .*\(default " + Regex.Escape(d.ModelSpec) + @"\)"), help);
    }

    [Fact]
    public void A_bound_command_line_changes_only_what_it_names()
    {
        var bound = ((RunCommandSettings)CliMain.Bind("--batch", "2,4", "--ci-target", "5%", "--device", "cuda:1")).Run;
        var defaults = new RunSettings();
        Assert.Equal([2, 4], bound.BatchSizes);
        Assert.Equal(0.05, bound.CiTarget, 12);
        Assert.Equal(new Device(DeviceKind.Cuda, 1), bound.Device);
        // Everything else keeps its default (compared as result.json would record it).
        Assert.Equal(ResultJson.Serialize(defaults with { BatchSizes = [2, 4], CiTarget = 0.05, Device = new Device(DeviceKind.Cuda, 1) }), ResultJson.Serialize(bound));
    }

    [Fact]
    public void Cooldown_binds_validates_and_is_recorded_as_set()
    {
        Assert.Equal(0, new RunSettings().CooldownSeconds);
        Assert.Equal(2.5, ((RunCommandSettings)CliMain.Bind("--cooldown", "2.5")).Run.CooldownSeconds);
        var o = CliRunner.Run("--cooldown", "-1");
        Assert.Equal(2, o.ExitCode);
        Assert.StartsWith("error: --cooldown -1: must be from 0 to 3600", o.Err);
    }

    [Fact]
    public void Completion_offers_subcommands_options_and_option_values()
    {
        Assert.Equal(["cache", "clean"], CliRunner.Run("__complete", "models", "c").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["int4"], CliRunner.Run("__complete", "--precision", "i").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--min-reps", CliRunner.Run("__complete", "--min").Out);
        var bash = CliRunner.Run("completion", "bash");
        Assert.Equal(0, bash.ExitCode);
        Assert.Contains("complete -o default -F", bash.Out);
    }

    /// <summary>Help as users read it, pinned: a change shows as a diff here (set IE_UPDATE_SNAPSHOTS=1 to accept it).</summary>
    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void Help_matches_its_snapshot(string path)
    {
        var o = CliRunner.Run([.. path.Split(' '), "--help"]);
        Assert.Equal(0, o.ExitCode);
        // The one machine-dependent figure (threads on this machine) is normalised.
        var text = Regex.Replace(o.Out, @"\(\d+ here\)", "(N here)").Replace("\r\n", "\n");
        var file = Path.Combine(Repo.Root, "tests", "InferenceEconomics.Tests", "Cli", "Snapshots", path.Replace(' ', '-') + ".help.txt");
        if (Environment.GetEnvironmentVariable("IE_UPDATE_SNAPSHOTS") == "1") { Directory.CreateDirectory(Path.GetDirectoryName(file)!); File.WriteAllText(file, text); }
        Assert.True(File.Exists(file), $"no snapshot {file}: run the tests once with IE_UPDATE_SNAPSHOTS=1 and review it");
        Assert.Equal(File.ReadAllText(file).Replace("\r\n", "\n"), text);
    }
}

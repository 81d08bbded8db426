using System.CommandLine;
using System.CommandLine.Parsing;

namespace InferenceEconomics.Cli.Framework;

/// <summary>
/// The declared commands as a System.CommandLine tree: strict parsing per command (an option of one
/// command is unknown to another), completion, and one-line errors in this tool's words.
/// </summary>
internal sealed class CommandTree
{
    private readonly Command _root;
    private readonly Dictionary<Command, (ICliCommand Spec, string Path)> _specs = [];
    private readonly Option<bool> _help = new("--help", "-h") { Arity = ArgumentArity.Zero, Recursive = true };
    private readonly Option<bool> _verbose = new("--verbose") { Arity = ArgumentArity.Zero, Recursive = true };

    private CommandTree(IReadOnlyList<ICliCommand> commands)
    {
        _root = new Command("ie") { TreatUnmatchedTokensAsErrors = true };
        _root.Options.Add(_help);
        _root.Options.Add(_verbose);
        foreach (var c in commands) _root.Subcommands.Add(Build(c, c.Name));
    }

    public static CommandTree Build(IReadOnlyList<ICliCommand> commands) => new(commands);

    private Command Build(ICliCommand spec, string path)
    {
        var cmd = new Command(spec.Name, spec.Summary) { TreatUnmatchedTokensAsErrors = true };
        foreach (var p in spec.Parameters)
        {
            if (p.Symbol is Option o) cmd.Options.Add(o);
            else if (p.Symbol is Argument a) cmd.Arguments.Add(a);
        }
        foreach (var sub in spec.Subcommands) cmd.Subcommands.Add(Build(sub, $"{path} {sub.Name}"));
        _specs[cmd] = (spec, path);
        return cmd;
    }

    public Parsed Parse(IReadOnlyList<string> args)
    {
        var result = _root.Parse(args);
        var (spec, path) = _specs.TryGetValue(result.CommandResult.Command, out var s) ? s : (null!, "");
        int dash = args.ToList().IndexOf("--");
        return new Parsed(this, result, spec, path, dash < 0 ? [] : args.Skip(dash + 1).ToList());
    }

    /// <summary>Completions for the last word of a partial command line (the `completion` scripts call this).</summary>
    public static IEnumerable<string> Complete(IReadOnlyList<ICliCommand> commands, IReadOnlyList<string> words)
    {
        var tree = Build(commands);
        var word = words.Count > 0 ? words[^1] : "";
        // The run command is the default verb: complete its options when the line starts with one.
        var tokens = words.Count > 0 && words[0].StartsWith('-') ? words.Prepend("run").ToList() : words.ToList();
        // An option's value: its declared words (precision, engine, workload ...), read from the declaration.
        if (tokens.Count >= 2)
        {
            var before = tree._root.Parse(tokens.Take(tokens.Count - 1).ToList());
            if (tree._specs.TryGetValue(before.CommandResult.Command, out var at)
                && at.Spec.Parameters.FirstOrDefault(p => p.Name == tokens[^2] && !p.IsFlag && !p.IsArgument) is { } option)
                return (option.Choices ?? []).Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase));
        }
        var result = tree._root.Parse(tokens);
        return result.GetCompletions().Select(c => c.Label)
            .Where(l => l.StartsWith(word, StringComparison.Ordinal))
            .Where(l => l is not ("--help" or "-h" or "--verbose") || word.StartsWith('-')).Distinct();
    }

    private static InferenceEconomicsException UnknownOption(string token, Command cmd, string where)
    {
        var name = token.Split('=')[0];
        var known = cmd.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Concat(["--help", "--verbose"]).Distinct();
        var close = Suggest.Closest(name, known);
        return ValueParsers.Usage($"unknown option {name}{(close.Count > 0 ? $" (did you mean {string.Join(" or ", close)}?)" : "")}; see {where} --help");
    }

    /// <summary>A parsed command line: which command, which parameters were given with which tokens.</summary>
    public sealed class Parsed(CommandTree tree, ParseResult result, ICliCommand? command, string path, IReadOnlyList<string> afterDoubleDash)
    {
        public ICliCommand Command => command ?? throw new InvalidOperationException("no command");
        public string Path => path;
        public bool HelpRequested => command is not null && result.GetResult(tree._help) is { Implicit: false };

        public IReadOnlyDictionary<CliParameter, IReadOnlyList<string>> Given
        {
            get
            {
                var given = new Dictionary<CliParameter, IReadOnlyList<string>>();
                foreach (var p in Command.Parameters)
                {
                    SymbolResult? r = p.Symbol switch { Option o => result.GetResult(o), Argument a => result.GetResult(a), _ => null };
                    if (r is null || r is OptionResult { Implicit: true }) continue;
                    if (r is ArgumentResult && r.Tokens.Count == 0) continue;
                    given[p] = r.Tokens.Select(t => t.Value).ToList();
                }
                return given;
            }
        }

        /// <summary>Throws a usage error (exit 2) for the first thing wrong with the command line, in one line.</summary>
        public void ThrowIfInvalid()
        {
            var cmd = result.CommandResult.Command;
            var where = command is null ? EntryPoint.Name : $"{EntryPoint.Name} {path}";
            if (result.UnmatchedTokens.Count > 0)
            {
                var token = result.UnmatchedTokens[0];
                if (token.StartsWith('-')) throw UnknownOption(token, cmd, where);
                if (cmd == tree._root)
                    throw ValueParsers.Usage($"unknown command '{token}'{Suggest.DidYouMean(token, tree._root.Subcommands.Select(c => c.Name))}; run {EntryPoint.Name} --help for the list");
                if (command is { Runnable: false } || cmd.Subcommands.Count > 0 && cmd.Arguments.Count == 0)
                    throw ValueParsers.Usage($"unknown {path} subcommand '{token}'{Suggest.DidYouMean(token, cmd.Subcommands.Select(c => c.Name))}; use {string.Join(", ", cmd.Subcommands.Select(c => c.Name))}");
                throw ValueParsers.Usage($"unexpected argument '{token}' for {path}; see {where} --help");
            }
            if (command is null) throw ValueParsers.Usage($"no command given; run {EntryPoint.Name} --help");
            if (!command.Runnable)
                throw ValueParsers.Usage($"{path} needs a subcommand: {string.Join(", ", command.Subcommands.Select(s => s.Name))} (see {where} --help)");
            foreach (var p in command.Parameters)
            {
                var r = p.Symbol switch { Option o => (SymbolResult?)result.GetResult(o), Argument a => result.GetResult(a), _ => null };
                if (p.IsArgument)
                {
                    // System.CommandLine hands a list argument any word, an unknown --option included: that is a typo, not a value.
                    var dashed = r?.Tokens.Where(t => t.Value.StartsWith("--", StringComparison.Ordinal)).Select(t => t.Value).ToList() ?? [];
                    if (p.PassThrough) dashed = dashed.Except(afterDoubleDash).ToList();
                    if (dashed.Count > 0) throw UnknownOption(dashed[0], cmd, where);
                    int n = r?.Tokens.Count ?? 0;
                    if (n < p.MinValues)
                        throw ValueParsers.Usage($"{path} needs <{p.Name}>: {p.Help}; see {where} --help");
                    continue;
                }
                if (r is OptionResult { Implicit: false } or && !p.IsFlag && or.Tokens.Count == 0)
                    throw ValueParsers.Usage($"option {p.Name} needs a value ({p.ValueName}); see {where} --help");
            }
            if (result.Errors.Count > 0)
                throw ValueParsers.Usage($"{result.Errors[0].Message.TrimEnd('.')}; see {where} --help");
        }
    }
}

using System.CommandLine;
using System.Linq.Expressions;
using System.Reflection;

namespace InferenceEconomics.Cli.Framework;

/// <summary>What a command may touch: console writers, the project root, cancellation, verbosity.</summary>
internal sealed class CliContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public bool Verbose { get; init; }
    public required ProjectPaths Paths { get; init; }
    public CancellationToken Cancellation { get; init; }
    /// <summary>True when stderr is a terminal: progress redraws in place.</summary>
    public bool Interactive { get; init; }
    /// <summary>The parameters given on the command line, with their tokens.</summary>
    public IReadOnlyDictionary<CliParameter, IReadOnlyList<string>> Given { get; init; } = new Dictionary<CliParameter, IReadOnlyList<string>>();
    /// <summary>The exit code of an interrupted command: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP.</summary>
    public Func<int> InterruptExitCode { get; init; } = () => (int)ErrorKind.Interrupted;
}

/// <summary>One declared option or argument of a command, bound to a property path of its settings.</summary>
internal sealed class CliParameter
{
    /// <summary>"--batch", or the argument's name ("run").</summary>
    public required string Name { get; init; }
    public string? ValueName { get; init; }
    public required string Help { get; init; }
    /// <summary>Help section the option is listed under (null: the command's main options).</summary>
    public string? Group { get; init; }
    /// <summary>Property path in the settings ("Run.BatchSizes"): validation errors name fields, the CLI names flags.</summary>
    public required string Path { get; init; }
    public bool IsFlag { get; init; }
    public bool IsArgument { get; init; }
    /// <summary>Most values a positional argument takes (1, or many for a list).</summary>
    public int MaxValues { get; init; } = 1;
    public int MinValues { get; init; }
    /// <summary>An argument that takes the words after a lone "--" verbatim, options of another command included.</summary>
    public bool PassThrough { get; init; }
    /// <summary>The default as help prints it, read from a fresh settings object (the one copy of the default).</summary>
    public string? DefaultText { get; init; }
    /// <summary>The words this option accepts, for help and completion.</summary>
    public IReadOnlyList<string>? Choices { get; init; }
    /// <summary>Parses the tokens and sets the property on a settings object.</summary>
    public required Action<object, IReadOnlyList<string>> Apply { get; init; }
    public required Symbol Symbol { get; init; }
}

/// <summary>A command as the CLI tree sees it: name, help, parameters, and how to run it.</summary>
internal interface ICliCommand
{
    string Name { get; }
    string Summary { get; }
    string? Description { get; }
    string Usage { get; }
    IReadOnlyList<string> Examples { get; }
    IReadOnlyList<CliParameter> Parameters { get; }
    IReadOnlyList<ICliCommand> Subcommands { get; }
    /// <summary>Null for a group (models, rates) whose subcommand must be named.</summary>
    bool Runnable { get; }
    int Run(CliContext context);
    /// <summary>A fresh settings object with the given parameters applied (what <see cref="Run"/> executes with).</summary>
    object Bind(IReadOnlyDictionary<CliParameter, IReadOnlyList<string>> given);
    /// <summary>The text a flag is known by for a settings field ("Run.MinRepetitions" → "--min-reps").</summary>
    string? FlagFor(string field);
}

/// <summary>
/// A command whose options bind to one settings object. The settings type's initialisers are the only
/// copy of each default: help prints them from a fresh instance, and the command runs with a fresh
/// instance on which only the options given were set.
/// </summary>
internal abstract class CliCommand<TSettings> : ICliCommand where TSettings : class, new()
{
    private readonly List<CliParameter> _parameters = [];
    private readonly List<ICliCommand> _subcommands = [];
    private static readonly TSettings Defaults = new();

    public abstract string Name { get; }
    public abstract string Summary { get; }
    public virtual string? Description => null;
    public virtual string Usage => $"{EntryPoint.Name} {Name} [options]";
    public virtual IReadOnlyList<string> Examples => [];
    public IReadOnlyList<CliParameter> Parameters => _parameters;
    public IReadOnlyList<ICliCommand> Subcommands => _subcommands;
    public virtual bool Runnable => true;

    /// <summary>Runs with the settings bound from the command line.</summary>
    protected abstract int Execute(TSettings settings, CliContext context);

    public int Run(CliContext context) => Execute((TSettings)Bind(context.Given), context);

    public object Bind(IReadOnlyDictionary<CliParameter, IReadOnlyList<string>> given)
    {
        var settings = new TSettings();
        foreach (var p in _parameters)
            if (given.TryGetValue(p, out var tokens)) p.Apply(settings, tokens);
        return settings;
    }

    public string? FlagFor(string field)
    {
        bool Matches(CliParameter p) => p.Path == field || p.Path.EndsWith("." + field, StringComparison.Ordinal);
        // A value option names the field best; a flag that only sets it (--no-idle) or an argument, next.
        var p = _parameters.FirstOrDefault(p => Matches(p) && !p.IsArgument && !p.IsFlag) ?? _parameters.FirstOrDefault(Matches);
        if (p is not null) return p.IsArgument ? $"<{p.Name}>" : p.Name;
        // A field that groups several options (Machine: --gpu, --price-per-hour, ...): name the first few.
        var inside = _parameters.Where(q => !q.IsArgument && (q.Path.StartsWith(field + ".", StringComparison.Ordinal) || q.Path.Contains("." + field + ".", StringComparison.Ordinal))).Take(3).ToList();
        return inside.Count > 0 ? string.Join("/", inside.Select(q => q.Name)) : null;
    }

    protected void Add(ICliCommand subcommand) => _subcommands.Add(subcommand);

    /// <summary>An option with a value, parsed by the property's type (or <paramref name="parse"/>).</summary>
    public void Option<TValue>(Expression<Func<TSettings, TValue>> property, string name, string valueName, string help,
        Func<string, string, TValue>? parse = null, string? group = null, string? defaultText = null, IReadOnlyList<string>? choices = null,
        Func<TValue, string?>? show = null)
    {
        var (path, get, set) = Bind(property);
        var parser = parse is not null ? (Func<string, string, object?>)((n, s) => parse(n, s)) : ValueParsers.For(typeof(TValue))
            ?? throw new InvalidOperationException($"no parser for {typeof(TValue)} ({name})");
        choices ??= EnumWords(typeof(TValue));
        var option = new Option<string>(name) { Description = help, HelpName = valueName, Arity = ArgumentArity.ExactlyOne };
        if (choices is not null) option.CompletionSources.Add(_ => choices.Select(c => new System.CommandLine.Completions.CompletionItem(c)));
        _parameters.Add(new CliParameter
        {
            Name = name, ValueName = valueName, Help = help, Group = group, Path = path, Symbol = option, Choices = choices,
            DefaultText = defaultText ?? (show is not null ? show((TValue)get(Defaults)!) : ValueParsers.Show(get(Defaults))),
            Apply = (target, tokens) => set(target, parser(name, tokens[^1])),
        });
    }

    /// <summary>A flag: present sets the property to <paramref name="value"/>.</summary>
    public void Flag(Expression<Func<TSettings, bool>> property, string name, string help, bool value = true, string? group = null)
    {
        var (path, _, set) = Bind(property);
        var option = new Option<bool>(name) { Description = help, Arity = ArgumentArity.Zero };
        _parameters.Add(new CliParameter
        {
            Name = name, Help = help, Group = group, Path = path, Symbol = option, IsFlag = true,
            Apply = (target, _) => set(target, value),
        });
    }

    /// <summary>A flag that sets any property to a fixed value (--no-idle sets the idle baseline to 0).</summary>
    public void FlagSets<TValue>(Expression<Func<TSettings, TValue>> property, string name, string help, TValue value, string? group = null)
    {
        var (path, _, set) = Bind(property);
        var option = new Option<bool>(name) { Description = help, Arity = ArgumentArity.Zero };
        _parameters.Add(new CliParameter
        {
            Name = name, Help = help, Group = group, Path = path, Symbol = option, IsFlag = true,
            Apply = (target, _) => set(target, value),
        });
    }

    /// <summary>A positional argument (one value, or a list of <paramref name="min"/>..<paramref name="max"/>).</summary>
    public void Argument<TValue>(Expression<Func<TSettings, TValue>> property, string name, string help, int min = 1, int max = 1,
        IReadOnlyList<string>? choices = null, bool passThrough = false)
    {
        var (path, get, set) = Bind(property);
        Argument arg = max > 1
            ? new Argument<string[]>(name) { Description = help, Arity = new ArgumentArity(min, Math.Min(max, 100_000)) }
            : new Argument<string>(name) { Description = help, Arity = new ArgumentArity(min, 1) };
        // Completions of an argument would also become what System.CommandLine accepts, with its own wording: the command checks.
        _parameters.Add(new CliParameter
        {
            Name = name, Help = help, Path = path, Symbol = arg, IsArgument = true, MinValues = min, MaxValues = max, Choices = choices,
            PassThrough = passThrough,
            DefaultText = min == 0 ? ValueParsers.Show(get(Defaults)) : null,
            Apply = (target, tokens) =>
            {
                object? value = typeof(TValue) == typeof(string) ? tokens[0]
                    : typeof(TValue).IsAssignableFrom(typeof(List<string>)) ? tokens.ToList()
                    : ValueParsers.For(typeof(TValue))!(name, tokens[0]);
                set(target, value);
            },
        });
    }

    private static IReadOnlyList<string>? EnumWords(Type t)
    {
        var e = Nullable.GetUnderlyingType(t) ?? t;
        return e.IsEnum ? Enum.GetValues(e).Cast<Enum>().Select(ValueParsers.WordOf).ToList() : null;
    }

    /// <summary>The property chain of an expression: its dotted path, a getter, and a setter that walks to the owner.</summary>
    private static (string Path, Func<object, object?> Get, Action<object, object?> Set) Bind<TValue>(Expression<Func<TSettings, TValue>> property)
    {
        var chain = new List<PropertyInfo>();
        var body = property.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : property.Body;
        for (var e = body; e is MemberExpression m; e = m.Expression!)
            chain.Insert(0, m.Member as PropertyInfo ?? throw new ArgumentException($"{property} is not a property chain"));
        if (chain.Count == 0) throw new ArgumentException($"{property} names no property");
        object? Owner(object root)
        {
            object? o = root;
            foreach (var p in chain.Take(chain.Count - 1)) o = o is null ? null : p.GetValue(o);
            return o;
        }
        var last = chain[^1];
        // Init-only setters are still setters to reflection: settings objects are built fresh per run, then read only.
        var setter = last.GetSetMethod(nonPublic: true) ?? throw new ArgumentException($"{last.Name} has no setter");
        return (string.Join('.', chain.Select(p => p.Name)),
            root => Owner(root) is { } o ? last.GetValue(o) : null,
            (root, value) => setter.Invoke(Owner(root) ?? throw new InvalidOperationException($"{string.Join('.', chain.Select(p => p.Name))}: owner is null"), [value]));
    }
}

/// <summary>A command group (models, rates) that only holds subcommands.</summary>
internal sealed class CommandGroup(string name, string summary, string? description, params ICliCommand[] subcommands) : ICliCommand
{
    public string Name => name;
    public string Summary => summary;
    public string? Description => description;
    public string Usage => $"{EntryPoint.Name} {name} <{string.Join("|", subcommands.Select(s => s.Name))}> [options]";
    public IReadOnlyList<string> Examples => subcommands.SelectMany(s => s.Examples).ToList();
    public IReadOnlyList<CliParameter> Parameters => [];
    public IReadOnlyList<ICliCommand> Subcommands => subcommands;
    public bool Runnable => false;
    public int Run(CliContext context) => throw new InvalidOperationException("a group does not run");
    public object Bind(IReadOnlyDictionary<CliParameter, IReadOnlyList<string>> given) => throw new InvalidOperationException("a group has no settings");
    public string? FlagFor(string field) => null;
}

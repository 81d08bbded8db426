using System.CommandLine;
using System.Runtime.InteropServices;
using InferenceEconomics.Cli;
using InferenceEconomics.Cli.Commands;
using InferenceEconomics.Cli.Framework;

// Entry point: the only place that prints errors and chooses the exit code.
return CliMain.Run(args, Console.Out, Console.Error);

namespace InferenceEconomics.Cli
{
    internal static class CliMain
    {
        /// <summary>Every command, in the order help lists them; "run" is the default verb.</summary>
        public static IReadOnlyList<ICliCommand> Commands { get; } =
        [
            new RunCommand(),
            new ServeCommand(),
            ModelsCommands.Group,
            new LoadCommand(),
            new CostCommand(),
            new RatesCommand(),
            new HwCommand(),
            new CompareCommand(),
            new HistoryCommand(),
            new ReportCommand(),
            new FrontierCommand(),
            new PushCommand(),
            FleetCommands.Group,
            new CompletionCommand(),
        ];

        /// <summary>Exit codes of the signals that stop a run the way Ctrl-C does (finished scenarios are kept).</summary>
        public const int ExitSigHup = 129, ExitSigTerm = 143;

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr, ProjectPaths? paths = null, CancellationToken cancel = default)
        {
            bool verbose = args.Contains("--verbose");
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            int interruptCode = (int)ErrorKind.Interrupted;
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
            bool console = ReferenceEquals(stdout, Console.Out);
            // One escaping layer for the terminal: everything on stdout loses its control characters (errors: OneLine).
            if (stdout is not TerminalWriter) stdout = new TerminalWriter(stdout);
            if (console) Console.CancelKeyPress += onCancel;
            // SIGTERM and SIGHUP stop a run like Ctrl-C: finished scenarios kept, reports written, status interrupted.
            var signals = console && !OperatingSystem.IsWindows()
                ? new[] { (PosixSignal.SIGTERM, ExitSigTerm), (PosixSignal.SIGHUP, ExitSigHup) }
                    .Select(s => PosixSignalRegistration.Create(s.Item1, c => { c.Cancel = true; interruptCode = s.Item2; cts.Cancel(); })).ToList()
                : [];
            try
            {
                paths ??= ProjectPaths.Discover();
                return Dispatch(args, stdout, stderr, paths, verbose, cts.Token, () => interruptCode);
            }
            catch (InferenceEconomicsException e)
            {
                // Library messages name ./run.sh; the user may have come in through run.ps1.
                stderr.WriteLine($"error: {EntryPoint.Localize(OneLine(e.Message))}");
                if (verbose) stderr.WriteLine(e.ToString());
                return e.Kind == ErrorKind.Interrupted ? interruptCode : e.ExitCode;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Paths come from the user (--results, --out, rate files): a file-system refusal is their input, not a bug.
                stderr.WriteLine($"error: {OneLine(e.Message)}; check the path, its permissions and free space");
                if (verbose) stderr.WriteLine(e.ToString());
                return (int)ErrorKind.FileAccess;
            }
            catch (OperationCanceledException e)
            {
                stderr.WriteLine("interrupted by the user");
                if (verbose) stderr.WriteLine(e.ToString());
                return interruptCode;
            }
            catch (Exception e)
            {
                stderr.WriteLine($"error: internal failure: {e.GetType().Name}: {OneLine(e.Message)} (rerun with --verbose for details, and please report it)");
                if (verbose) stderr.WriteLine(e.ToString());
                return (int)ErrorKind.Internal;
            }
            finally
            {
                if (console) Console.CancelKeyPress -= onCancel;
                foreach (var s in signals) s.Dispose();
            }
        }

        /// <summary>Parses, prints help or dispatches to the command; validation errors are named by the command's flags.</summary>
        private static int Dispatch(string[] args, TextWriter stdout, TextWriter stderr, ProjectPaths paths, bool verbose, CancellationToken ct, Func<int> interruptCode)
        {
            if (args is ["--version"]) { stdout.WriteLine($"InferenceEconomics {ToolVersion.Version}"); return 0; }
            if (args is [] || (args[0].StartsWith('-') && args[0] is not ("--help" or "-h"))) args = ["run", .. args];
            if (args[0] is "--help" or "-h" or "help")
            {
                var target = args.Skip(1).FirstOrDefault(a => !a.StartsWith('-'));
                var found = target is null ? null : Commands.FirstOrDefault(c => c.Name == target);
                stdout.WriteLine(found is null ? HelpText.Overview(Commands) : HelpText.For(found, found.Name));
                return 0;
            }
            if (args[0] == CompletionCommand.CompleteVerb)
            {
                foreach (var word in CommandTree.Complete(Commands, args[1..])) stdout.WriteLine(word);
                return 0;
            }

            var tree = CommandTree.Build(Commands);
            var parsed = tree.Parse(args);
            if (parsed.HelpRequested)
            {
                stdout.WriteLine(HelpText.For(parsed.Command, parsed.Path));
                return 0;
            }
            parsed.ThrowIfInvalid();
            var context = new CliContext
            {
                Out = stdout,
                Error = stderr,
                Verbose = verbose,
                Paths = paths,
                Cancellation = ct,
                Interactive = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected,
                Given = parsed.Given,
                InterruptExitCode = interruptCode,
            };
            try { return parsed.Command.Run(context); }
            catch (ValidationException e) { throw new InferenceEconomicsException(e.Kind, Describe(e, parsed.Command), e); }
        }

        /// <summary>
        /// The settings a command line binds to, without running the command (tests of the option declarations).
        /// Usage errors throw as they would when running.
        /// </summary>
        public static object Bind(params string[] args)
        {
            if (args is [] || args[0].StartsWith('-')) args = ["run", .. args];
            var parsed = CommandTree.Build(Commands).Parse(args);
            parsed.ThrowIfInvalid();
            return parsed.Command.Bind(parsed.Given);
        }

        /// <summary>A validation error in the words of the command line: the field's flag, the value, the reason, the hint.</summary>
        public static string Describe(ValidationException e, ICliCommand command)
        {
            var first = e.Errors[0];
            var more = e.Errors.Count > 1
                ? $" (and {e.Errors.Count - 1} more: {string.Join(", ", e.Errors.Skip(1).Select(x => command.FlagFor(x.Field) ?? x.Field).Distinct())})"
                : "";
            return first.Describe(command.FlagFor(first.Field)) + more;
        }

        /// <summary>Errors are one line, whatever a message quotes (a parser may quote a file's newline), and hold no terminal control characters.</summary>
        internal static string OneLine(string message) =>
            TerminalText.Clean(string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    }
}

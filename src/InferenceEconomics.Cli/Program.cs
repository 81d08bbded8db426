using System.Text;
using InferenceEconomics;
using InferenceEconomics.Cli;
using InferenceEconomics.Common;

// Entry point: the only place that prints errors and chooses the exit code. Help and error lines name
// the entry script the user ran (EntryPoint, from IE_ENTRY), not always ./run.sh.
return CliMain.Run(args, Console.Out, Console.Error);

namespace InferenceEconomics.Cli
{
    public static class CliMain
    {
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr, ProjectPaths? paths = null, CancellationToken cancel = default)
        {
            bool verbose = args.Contains("--verbose");
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                paths ??= ProjectPaths.Discover();
                if (args.Length > 0 && args[0] is "--help" or "-h" or "help")
                {
                    if (args.Length >= 2 && CommandRegistry.Find(args[1]) is { } c) { stdout.WriteLine(EntryPoint.Localize(HelpText.ForCommand(c))); return 0; }
                    stdout.WriteLine(EntryPoint.Localize(HelpText.Overview()));
                    return 0;
                }
                if (args.Length > 0 && args[0] is "--version") { stdout.WriteLine($"InferenceEconomics {ToolVersion.Version}"); return 0; }

                ICliCommand command;
                string[] rest;
                if (args.Length == 0 || args[0].StartsWith('-')) { command = CommandRegistry.Find("run")!; rest = args; }
                else
                {
                    command = CommandRegistry.Find(args[0]) ?? throw new InferenceEconomicsException(ErrorKind.Usage,
                        $"unknown command '{args[0]}'{Suggest.DidYouMean(args[0], CommandRegistry.All.Select(c => c.Name))}; run ./run.sh --help for the list");
                    rest = args[1..];
                }
                var cli = new CliArgs(rest);
                if (cli.Flag("--help")) { stdout.WriteLine(EntryPoint.Localize(HelpText.ForCommand(command))); return 0; }
                var context = new CliContext
                {
                    Out = stdout,
                    Error = stderr,
                    Verbose = verbose,
                    Paths = paths,
                    Cancellation = cts.Token,
                    Interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out),
                };
                return command.Run(cli, context);
            }
            catch (InferenceEconomicsException e)
            {
                stderr.WriteLine($"error: {EntryPoint.Localize(OneLine(e.Message))}");
                if (verbose) stderr.WriteLine(e.ToString());
                return e.ExitCode;
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
                return (int)ErrorKind.Interrupted;
            }
            catch (Exception e)
            {
                stderr.WriteLine($"error: internal failure: {e.GetType().Name}: {OneLine(e.Message)} (rerun with --verbose for details, and please report it)");
                if (verbose) stderr.WriteLine(e.ToString());
                return (int)ErrorKind.Internal;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }

        /// <summary>Errors are one line, whatever a message quotes (a parser may quote a file's newline).</summary>
        internal static string OneLine(string message) =>
            string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    internal static class HelpText
    {
        public static string Overview()
        {
            var sb = new StringBuilder();
            sb.AppendLine("InferenceEconomics: measure local ONNX LLM inference and what it really costs, against API prices.");
            sb.AppendLine();
            sb.AppendLine("Usage: ./run.sh [command] [options]        (no command = run; ./run.sh test runs the test suite)");
            sb.AppendLine();
            sb.AppendLine("Commands:");
            foreach (var c in CommandRegistry.All) sb.AppendLine($"  {c.Name,-10} {c.Summary}");
            sb.AppendLine($"  {"test",-10} build and run the whole test suite (the entry script's own command)");
            sb.AppendLine();
            sb.AppendLine("Examples:");
            foreach (var c in CommandRegistry.All)
                foreach (var e in c.Examples) sb.AppendLine($"  {e}");
            sb.AppendLine();
            sb.AppendLine("Global: --verbose (stack traces), --help (per command: ./run.sh <command> --help). Exit codes: README.md.");
            return sb.ToString().TrimEnd();
        }

        public static string ForCommand(ICliCommand c)
        {
            var sb = new StringBuilder();
            sb.AppendLine($"{c.Name}: {c.Summary}");
            sb.AppendLine();
            sb.AppendLine(c.Help.TrimEnd());
            if (c.Examples.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("Examples:");
                foreach (var e in c.Examples) sb.AppendLine($"  {e}");
            }
            return sb.ToString().TrimEnd();
        }
    }
}

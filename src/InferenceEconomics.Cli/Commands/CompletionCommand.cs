using InferenceEconomics.Cli.Framework;

namespace InferenceEconomics.Cli.Commands;

internal sealed class CompletionSettings
{
    public string Shell { get; set; } = "bash";
}

/// <summary>`completion bash|zsh|pwsh`: a script that completes commands, options and option values from the declared tree.</summary>
internal sealed class CompletionCommand : CliCommand<CompletionSettings>
{
    /// <summary>The hidden verb the scripts call: prints the completions of the words after it, one per line.</summary>
    public const string CompleteVerb = "__complete";

    public override string Name => "completion";
    public override string Summary => "shell completion for commands, options and values (bash, zsh, pwsh)";
    public override string Usage => $"{EntryPoint.Name} completion bash|zsh|pwsh";
    public override string Description => "Load it in the current shell, e.g.  source <(./run.sh completion bash)  or, in PowerShell,  .\\run.ps1 completion pwsh | Invoke-Expression";
    public override IReadOnlyList<string> Examples => [$"source <({EntryPoint.Name} completion bash)"];

    public CompletionCommand() => Argument(s => s.Shell, "shell", "the shell", min: 0, choices: ["bash", "zsh", "pwsh"]);

    protected override int Execute(CompletionSettings s, CliContext context)
    {
        context.Out.Write(s.Shell switch
        {
            "bash" => Bash,
            "zsh" => "autoload -U bashcompinit && bashcompinit\n" + Bash,
            "pwsh" => Pwsh,
            _ => throw ValueParsers.Usage($"completion '{s.Shell}' is not one of bash, zsh, pwsh"),
        });
        return 0;
    }

    private const string Bash = """
        _inference_economics() {
          local IFS=$'\n'
          COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _inference_economics ./run.sh run.sh ie

        """;

    private const string Pwsh = """
        Register-ArgumentCompleter -Native -CommandName './run.ps1', 'run.ps1', '.\run.ps1' -ScriptBlock {
          param($wordToComplete, $commandAst, $cursorPosition)
          $words = $commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() }
          if ($wordToComplete -eq '') { $words += '' }
          & $commandAst.CommandElements[0].ToString() __complete @words 2>$null | ForEach-Object {
            [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
          }
        }

        """;
}

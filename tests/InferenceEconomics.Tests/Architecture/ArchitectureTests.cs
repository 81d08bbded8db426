using System.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;
using NetArchTest.Rules;

namespace InferenceEconomics.Tests.Architecture;

/// <summary>
/// One-way flow as a test, not a hope: a room of the library may use only the rooms before it, and no library
/// code writes to the console or ends the process (the CLI does both).
/// </summary>
public class ArchitectureTests
{
    /// <summary>The library's rooms in dependency order (docs/architecture.md): each may use only those before it.</summary>
    public static readonly string[] Rooms =
        ["Common", "Schema", "Metrics", "Hardware", "Results", "Models", "Engines", "Telemetry", "Measurement", "Serving", "Economics", "Load", "Reporting", "Store", "Fleet"];

    private static Assembly Library => typeof(RunResult).Assembly;

    /// <summary>The namespace of a room ("InferenceEconomics.Common" also holds the root namespace's error types).</summary>
    private static string Ns(string room) => $"InferenceEconomics.{room}";

    /// <summary>Every room but the last, which may use all the others.</summary>
    public static TheoryData<string> RoomNames() => new(Rooms[..^1]);

    [Theory]
    [MemberData(nameof(RoomNames))]
    public void A_room_uses_only_the_rooms_before_it(string room)
    {
        var later = Rooms.SkipWhile(r => r != room).Skip(1).Select(Ns).ToArray();
        var result = Types.InAssembly(Library).That().ResideInNamespace(Ns(room))
            .ShouldNot().HaveDependencyOnAny(later).GetResult();
        Assert.True(result.IsSuccessful, $"{room} uses a later room: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Every_library_type_lives_in_a_declared_room()
    {
        var known = Rooms.Select(Ns).Append("InferenceEconomics").ToHashSet();
        var stray = Library.GetTypes()
            .Where(t => t.Namespace is { } n && n.StartsWith("InferenceEconomics", StringComparison.Ordinal) && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
            .Where(t => !known.Any(k => t.Namespace == k || t.Namespace!.StartsWith(k + ".", StringComparison.Ordinal) && k != "InferenceEconomics"))
            .Select(t => t.FullName).ToList();
        Assert.True(stray.Count == 0, "types outside the rooms: " + string.Join(", ", stray));
    }

    [Fact]
    public void Schema_depends_on_nothing_else_of_the_project()
    {
        var others = Rooms.Where(r => r != "Schema").Select(Ns).ToArray();
        var result = Types.InAssembly(Library).That().ResideInNamespace(Ns("Schema")).ShouldNot().HaveDependencyOnAny(others).GetResult();
        Assert.True(result.IsSuccessful, "Schema uses: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Library_code_never_touches_the_console_nor_exits()
    {
        var offenders = ForbiddenCalls(Library.Location).ToList();
        Assert.True(offenders.Count == 0, "library code calls: " + string.Join("; ", offenders));
    }

    /// <summary>
    /// Calls of System.Console members and Environment.Exit/FailFast in an assembly, read from its IL (a type
    /// dependency test cannot see them: System.Environment is used legitimately for much else).
    /// </summary>
    public static IEnumerable<string> ForbiddenCalls(string assemblyPath)
    {
        using var asm = AssemblyDefinition.ReadAssembly(assemblyPath);
        foreach (var type in asm.MainModule.GetTypes())
            foreach (var method in type.Methods.Where(m => m.HasBody))
                foreach (var ins in method.Body.Instructions)
                {
                    if (ins.OpCode.Code is not (Code.Call or Code.Callvirt or Code.Newobj or Code.Ldftn) || ins.Operand is not MethodReference called) continue;
                    var owner = called.DeclaringType.FullName;
                    if (owner == "System.Console" || (owner == "System.Environment" && called.Name is "Exit" or "FailFast"))
                        yield return $"{type.FullName}.{method.Name} -> {owner}.{called.Name}";
                }
    }
}

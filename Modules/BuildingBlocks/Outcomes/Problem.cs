namespace Storefront.BuildingBlocks.Outcomes;

/// <summary>
/// What went wrong, as a module reports it: a code the module declares (in a class marked
/// <see cref="ProblemCodesAttribute"/>) and the values a sentence about it needs, by name. Modules
/// never write the sentence: the host puts codes into words (in English, or another language),
/// so the store can be translated without touching a module.
/// </summary>
public sealed record Problem(string Code, IReadOnlyDictionary<string, object?> Args)
{
    private static readonly IReadOnlyDictionary<string, object?> None = new Dictionary<string, object?>();

    public static Problem Of(string code) => new(code, None);

    /// <summary>A problem with named values, such as <c>Problem.Of(CartProblems.OnlyLeft, ("available", 3))</c>.</summary>
    public static Problem Of(string code, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        var values = new Dictionary<string, object?>(args.Length, StringComparer.Ordinal);
        foreach (var (name, value) in args) values[name] = value;
        return new(code, values);
    }

    public override string ToString() =>
        Args.Count == 0 ? Code : $"{Code} ({string.Join(", ", Args.Select(a => $"{a.Key}: {a.Value}"))})";
}

/// <summary>
/// Marks a static class of <c>public const string</c> problem codes. Every code declared in such a
/// class must have words in the host's resources (a test enumerates them).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ProblemCodesAttribute : Attribute;

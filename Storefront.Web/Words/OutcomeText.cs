using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Web.Words;

/// <summary>The resources that word the modules' problem codes (Resources/Words/Outcomes.resx, English).</summary>
public sealed class Outcomes;

/// <summary>
/// Puts what a module reports into words for shoppers and merchants: the words of a
/// <see cref="Problem"/>'s code come from <see cref="IStringLocalizer{Outcomes}"/>, and each
/// <c>{name}</c> in them is the problem's value of that name (<c>{name:0.00}</c> formats it,
/// <c>{name:lower}</c> lower-cases it; a value that is itself a problem is worded in turn).
/// </summary>
public sealed partial class OutcomeText(IStringLocalizer<Outcomes> words)
{
    public string this[Problem problem] => Of(problem);

    public string Of(Problem problem)
    {
        var text = words[problem.Code];
        // A code without words is caught by a test; shown as itself it is at least traceable.
        if (text.ResourceNotFound) return problem.Code;
        return Placeholder().Replace(text.Value, m =>
            problem.Args.TryGetValue(m.Groups["name"].Value, out var value)
                ? Format(value, m.Groups["format"].Success ? m.Groups["format"].Value : null)
                : m.Value);
    }

    /// <summary>The words of a problem, or <paramref name="otherwise"/> when there is none.</summary>
    [return: NotNullIfNotNull(nameof(otherwise))]
    public string? Of(Problem? problem, string? otherwise) => problem is null ? otherwise : Of(problem);

    /// <summary>The host's own words under <paramref name="code"/> (such as an e-mail's), with named values.</summary>
    public string Of(string code, params ReadOnlySpan<(string Name, object? Value)> args) => Of(Problem.Of(code, args));

    private string Format(object? value, string? format) => value switch
    {
        null => "",
        Problem inner => Of(inner),
        string s when format == "lower" => s.ToLower(CultureInfo.CurrentCulture),
        IFormattable f => f.ToString(format, CultureInfo.CurrentCulture),
        IEnumerable<string> list => string.Join(", ", list),
        _ => value.ToString() ?? "",
    };

    [GeneratedRegex(@"\{(?<name>[A-Za-z][A-Za-z0-9]*)(?::(?<format>[^}]+))?\}")]
    private static partial Regex Placeholder();
}

public static class OutcomeTextRegistration
{
    public static IServiceCollection AddOutcomeText(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddSingleton<OutcomeText>();
        return services;
    }
}

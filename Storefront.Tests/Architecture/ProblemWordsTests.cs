using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Resources;
using Storefront.BuildingBlocks.Outcomes;
using Xunit;

namespace Storefront.Tests.Architecture;

/// <summary>
/// Modules report problems as codes and the host words them (Storefront.Web/Resources/Words/Outcomes.resx):
/// a code without English words would reach a shopper as the code itself.
/// </summary>
public sealed class ProblemWordsTests
{
    private static readonly ResourceManager Words = new("Storefront.Web.Resources.Words.Outcomes", typeof(Program).Assembly);

    /// <summary>Every code declared in a <see cref="ProblemCodesAttribute"/> class of a module, with the module's name.</summary>
    private static List<(string Module, string Code)> DeclaredCodes() =>
        RegisteredModules.All
            .SelectMany(m => m.Assembly.GetTypes()
                .Where(t => t.GetCustomAttribute<ProblemCodesAttribute>() is not null)
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
                .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
                .Select(f => (m.Name, (string)f.GetRawConstantValue()!)))
            .ToList();

    [Fact]
    public void Every_module_declares_its_problem_codes()
    {
        var modules = DeclaredCodes().Select(c => c.Module).Distinct().ToList();
        foreach (var module in new[] { "Cart", "Catalog", "Checkout", "Inventory", "Search" }) Assert.Contains(module, modules);
    }

    [Fact]
    public void Every_problem_code_has_English_words()
    {
        var missing = DeclaredCodes().Where(c => string.IsNullOrWhiteSpace(Words.GetString(c.Code, CultureInfo.InvariantCulture)))
            .Select(c => $"{c.Module}: {c.Code}").ToList();
        Assert.True(missing.Count == 0, "Problem codes without words in Outcomes.resx:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Problem_codes_are_unique_and_named_for_their_module()
    {
        var codes = DeclaredCodes();
        Assert.Empty(codes.GroupBy(c => c.Code).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All(codes, c => Assert.StartsWith(c.Module.ToLowerInvariant() + ".", c.Code, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_word_entry_belongs_to_a_declared_code_or_the_host()
    {
        var declared = DeclaredCodes().Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        using var set = Words.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)!;
        var orphans = set.Cast<DictionaryEntry>().Select(e => (string)e.Key)
            .Where(k => !declared.Contains(k) && !k.StartsWith("email.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(orphans.Count == 0, "Words for codes no module declares:\n" + string.Join("\n", orphans));
    }
}

using System.Reflection;

namespace Storefront.Tests.Rules;

/// <summary>
/// The tests of pure rules stay fast: a class here takes no fixture (no host, no database, no
/// Redis) and so runs in milliseconds; a rule that needs a store is tested beside its module instead.
/// </summary>
public sealed class RulesNeedNoStoreTests
{
    [Fact]
    public void No_rules_test_class_takes_a_fixture_or_joins_a_collection()
    {
        var classes = typeof(RulesNeedNoStoreTests).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(RulesNeedNoStoreTests).Namespace && t.IsClass && !t.IsNested && !t.IsAbstract)
            .ToList();
        Assert.True(classes.Count >= 6, "The rules tests were not found.");
        var offending = classes.Where(t =>
                t.GetConstructors().Any(c => c.GetParameters().Length > 0)
                || t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
                    && (d == typeof(IClassFixture<>) || d == typeof(ICollectionFixture<>)))
                || t.GetCustomAttribute<CollectionAttribute>() is not null)
            .Select(t => t.Name).ToList();
        Assert.True(offending.Count == 0, "Rules tests that need a store: " + string.Join(", ", offending));
    }
}

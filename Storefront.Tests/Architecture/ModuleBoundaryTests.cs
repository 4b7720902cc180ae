using System.Reflection;
using Microsoft.EntityFrameworkCore;
using NetArchTest.Rules;

namespace Storefront.Tests.Architecture;

public sealed class ModuleBoundaryTests
{
    private static readonly Assembly Web = typeof(Storefront.Web.Identity.Roles).Assembly;
    private static readonly Assembly[] Modules =
    [
        typeof(Storefront.Catalog.CatalogModule).Assembly,
        typeof(Storefront.Inventory.InventoryModule).Assembly,
        typeof(Storefront.Cart.Contracts.CartModule).Assembly,
        typeof(Storefront.Checkout.Contracts.CheckoutModule).Assembly,
        typeof(Storefront.Search.Contracts.SearchModule).Assembly,
    ];

    private static string ModuleName(Assembly a) => a.GetName().Name!.Split('.')[1];

    [Fact]
    public void Pages_and_components_never_use_a_DbContext()
    {
        var result = Types.InAssembly(Web)
            .That().ResideInNamespace("Storefront.Web.Pages").Or().ResideInNamespace("Storefront.Web.Areas").Or().ResideInNamespace("Storefront.Web.Components")
            .ShouldNot().HaveDependencyOnAny("Microsoft.EntityFrameworkCore", "Storefront.Catalog.Data", "Storefront.Inventory.Data", "Storefront.Cart.Data", "Storefront.Cart.Storage", "Storefront.Checkout.Data", "Npgsql")
            .GetResult();
        Assert.True(result.IsSuccessful, "Pages using a DbContext: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Modules_use_only_the_contracts_of_other_modules()
    {
        foreach (var module in Modules)
        {
            foreach (var other in Modules.Where(m => m != module))
            {
                var name = ModuleName(other);
                var internals = other.GetTypes().Select(t => t.Namespace).OfType<string>().Distinct()
                    .Where(ns => ns.StartsWith($"Storefront.{name}.", StringComparison.Ordinal) && ns != $"Storefront.{name}.Contracts").ToArray();
                var result = Types.InAssembly(module).ShouldNot().HaveDependencyOnAny(internals).GetResult();
                Assert.True(result.IsSuccessful, $"{ModuleName(module)} reaches into {name}: " + string.Join(", ", result.FailingTypeNames ?? []));
            }
        }
    }

    [Fact]
    public void The_host_uses_modules_only_through_their_contracts()
    {
        foreach (var module in Modules)
        {
            var name = ModuleName(module);
            var internals = module.GetTypes().Select(t => t.Namespace).OfType<string>().Distinct()
                .Where(ns => ns.StartsWith($"Storefront.{name}.", StringComparison.Ordinal) && ns != $"Storefront.{name}.Contracts").ToArray();
            var result = Types.InAssembly(Web).ShouldNot().HaveDependencyOnAny(internals).GetResult();
            Assert.True(result.IsSuccessful, $"The host reaches into {name}: " + string.Join(", ", result.FailingTypeNames ?? []));
        }
    }

    [Fact]
    public void Each_module_DbContext_maps_only_its_own_schema()
    {
        foreach (var module in Modules)
        {
            // A module without a database of its own (Search keeps its index on disk) has nothing to check.
            if (module.GetTypes().SingleOrDefault(t => t.IsSubclassOf(typeof(DbContext))) is not { } contextType) continue;
            var options = BuildOptions(contextType);
            using var context = (DbContext)Activator.CreateInstance(contextType, options)!;
            var schema = ModuleName(module).ToLowerInvariant();
            Assert.All(context.Model.GetEntityTypes(), e => Assert.Equal(schema, e.GetSchema()));
        }
    }

    private static DbContextOptions BuildOptions(Type contextType)
    {
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(contextType))!;
        builder.UseNpgsql("Host=unused").UseSnakeCaseNamingConvention();
        return builder.Options;
    }

    [Fact]
    public void Module_references_have_no_cycles()
    {
        var graph = Modules.ToDictionary(ModuleName, m => m.GetReferencedAssemblies()
            .Select(r => r.Name!).Where(n => n.StartsWith("Storefront.", StringComparison.Ordinal))
            .Select(n => n.Split('.')[1]).Where(n => n != "BuildingBlocks").ToList());
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        foreach (var node in graph.Keys) Visit(node, []);

        void Visit(string node, List<string> path)
        {
            if (done.Contains(node) || !graph.TryGetValue(node, out var edges)) return;
            Assert.True(visiting.Add(node), "Module cycle: " + string.Join(" → ", path.Append(node)));
            foreach (var next in edges) Visit(next, [.. path, node]);
            visiting.Remove(node);
            done.Add(node);
        }
    }
}

public sealed class ModuleSqlTests
{
    private static readonly string[] Schemas = ["catalog", "inventory", "cart", "checkout", "identity", "hangfire"];

    /// <summary>
    /// Hand-written SQL is where a module could quietly read another module's tables: no module's
    /// source may name a schema other than its own ("inventory.stock_items" inside Catalog).
    /// </summary>
    [Theory]
    [InlineData("Catalog", "catalog")]
    [InlineData("Inventory", "inventory")]
    [InlineData("Cart", "cart")]
    [InlineData("Checkout", "checkout")]
    public void Module_sql_names_only_its_own_schema(string module, string schema)
    {
        var offending = new List<string>();
        var folder = Path.Combine(Fixtures.Repository.Root(), "Modules", module);
        foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("using ", StringComparison.Ordinal)) continue;
                foreach (var other in Schemas.Where(s => s != schema))
                {
                    if (System.Text.RegularExpressions.Regex.IsMatch(lines[i], $@"(?<![A-Za-z.]){other}\.[a-z_]+"))
                        offending.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(offending.Count == 0, "SQL naming another module's schema:\n" + string.Join("\n", offending));
    }
}

using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using NetArchTest.Rules;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Web.Infrastructure;

namespace Storefront.Tests.Architecture;

/// <summary>Boundaries between the host and the modules, over the modules the host registers.</summary>
public sealed class ModuleBoundaryTests
{
    private static readonly Assembly Web = typeof(Storefront.Web.Identity.Roles).Assembly;
    private static IReadOnlyList<RegisteredModule> Modules => RegisteredModules.All;

    private static string[] Internals(RegisteredModule module) => module.Assembly.GetTypes().Select(t => t.Namespace).OfType<string>().Distinct()
        .Where(ns => ns.StartsWith($"Storefront.{module.Name}.", StringComparison.Ordinal) && ns != $"Storefront.{module.Name}.Contracts")
        .ToArray();

    [Fact]
    public void Pages_and_components_never_use_a_DbContext()
    {
        // The data namespaces are those of the registered modules' contexts (other internals: the test below).
        string[] forbidden = ["Microsoft.EntityFrameworkCore", "Npgsql", .. Modules.Select(m => m.Context.Namespace!).Distinct()];
        var result = Types.InAssembly(Web)
            .That().ResideInNamespace("Storefront.Web.Pages").Or().ResideInNamespace("Storefront.Web.Areas").Or().ResideInNamespace("Storefront.Web.Components")
            .ShouldNot().HaveDependencyOnAny(forbidden)
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
                var result = Types.InAssembly(module.Assembly).ShouldNot().HaveDependencyOnAny(Internals(other)).GetResult();
                Assert.True(result.IsSuccessful, $"{module.Name} reaches into {other.Name}: " + string.Join(", ", result.FailingTypeNames ?? []));
            }
        }
    }

    [Fact]
    public void The_host_uses_modules_only_through_their_contracts()
    {
        foreach (var module in Modules)
        {
            var result = Types.InAssembly(Web).ShouldNot().HaveDependencyOnAny(Internals(module)).GetResult();
            Assert.True(result.IsSuccessful, $"The host reaches into {module.Name}: " + string.Join(", ", result.FailingTypeNames ?? []));
        }
    }

    [Fact]
    public void Each_module_registers_one_DbContext_of_its_own_in_a_schema_named_after_it()
    {
        foreach (var module in Modules)
        {
            Assert.Equal(module.Assembly, module.Context.Assembly);
            Assert.Equal(module.Name.ToLowerInvariant(), module.Schema);
            // A context nobody registers would never be migrated.
            var contexts = module.Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(DbContext))).ToList();
            Assert.Equal([module.Context], contexts);
        }
        Assert.Equal(Modules.Count, Modules.Select(m => m.Name).Distinct().Count());
    }

    [Fact]
    public void Each_registered_DbContext_maps_only_its_own_schema()
    {
        foreach (var database in RegisteredModules.Databases)
        {
            using var context = Create(database.Context);
            Assert.All(context.Model.GetEntityTypes(), e => Assert.True(e.GetSchema() == database.Module,
                $"{database.Context.Name} maps {e.GetTableName()} in schema {e.GetSchema()}, not {database.Module}"));
        }
    }

    /// <summary>An outbox table with no dispatcher fills up and is never delivered; a dispatcher needs the table.</summary>
    [Fact]
    public void Every_DbContext_with_an_outbox_table_has_a_registered_dispatcher_and_no_other_has_one()
    {
        var withTable = RegisteredModules.Databases.Where(d =>
        {
            using var context = Create(d.Context);
            return context.Model.FindEntityType(typeof(OutboxMessage)) is not null;
        }).Select(d => d.Context.Name).Order(StringComparer.Ordinal);
        var dispatched = RegisteredModules.OutboxContexts.Select(c => c.Name).Order(StringComparer.Ordinal);
        Assert.Equal(withTable, dispatched);
    }

    private static DbContext Create(Type contextType)
    {
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(contextType))!;
        builder.UseNpgsql("Host=unused").UseSnakeCaseNamingConvention();
        return (DbContext)Activator.CreateInstance(contextType, builder.Options)!;
    }
}

public sealed class ModuleSqlTests
{
    /// <summary>Every schema of the store: each registered database's, and Hangfire's.</summary>
    private static IReadOnlyList<string> Schemas =>
        [.. RegisteredModules.Databases.Select(d => d.Module), InfrastructureExtensions.HangfireSchema];

    public static TheoryData<string, string> ModulesAndSchemas()
    {
        var data = new TheoryData<string, string>();
        foreach (var module in RegisteredModules.All) data.Add(module.Name, module.Schema);
        return data;
    }

    /// <summary>
    /// Hand-written SQL is where a module could quietly read another module's tables: no module's
    /// source may name a schema other than its own ("inventory.stock_items" inside Catalog).
    /// </summary>
    [Theory]
    [MemberData(nameof(ModulesAndSchemas))]
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
                    if (Regex.IsMatch(lines[i], $@"(?<![A-Za-z.]){other}\.[a-z_]+"))
                        offending.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(offending.Count == 0, "SQL naming another module's schema:\n" + string.Join("\n", offending));
    }
}

public sealed class ModuleAddressTests
{
    /// <summary>
    /// The first segment of every storefront and admin page address ("p", "c", "search", "admin"…),
    /// read from the pages' own <c>@page</c> templates.
    /// </summary>
    private static IReadOnlyList<string> PageSegments() =>
        Directory.EnumerateFiles(Path.Combine(Fixtures.Repository.Root(), "Storefront.Web"), "*.cshtml", SearchOption.AllDirectories)
            .Select(f => Regex.Match(File.ReadLines(f).FirstOrDefault() ?? "", "^@page \"/([a-z-]+)"))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> Modules()
    {
        var data = new TheoryData<string>();
        foreach (var module in RegisteredModules.All) data.Add(module.Name);
        data.Add("BuildingBlocks");
        return data;
    }

    /// <summary>
    /// Modules return slugs and ids; the host turns them into links with routing (ShopLinks, tag
    /// helpers). A string literal starting with a page's address ("/p/…", "/search?…") in a module is
    /// a link built where the pages cannot keep it right.
    /// </summary>
    [Theory]
    [MemberData(nameof(Modules))]
    public void Modules_build_no_page_addresses(string module)
    {
        var segments = PageSegments();
        Assert.Contains("p", segments);
        Assert.Contains("c", segments);
        var literal = new Regex($"\"/({string.Join("|", segments.Select(Regex.Escape))})([/?\"])");
        var folder = Path.Combine(Fixtures.Repository.Root(), "Modules", module);
        var offending = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && literal.IsMatch(l.Text))
            .Select(l => $"{Path.GetFileName(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offending.Count == 0, "Page addresses built inside a module:\n" + string.Join("\n", offending));
    }
}

using System.Reflection;
using System.Xml.Linq;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Architecture;

/// <summary>The module map against the module projects on disk, their references and the host's registrations.</summary>
public sealed class ModuleMapTests
{
    private static string ModulesFolder => Path.Combine(Repository.Root(), "Modules");

    /// <summary>Each folder under Modules/ holding a <c>&lt;Folder&gt;.csproj</c>.</summary>
    private static IReadOnlyList<string> ModuleProjects() => Directory.EnumerateDirectories(ModulesFolder)
        .Select(Path.GetFileName).OfType<string>()
        .Where(name => File.Exists(Path.Combine(ModulesFolder, name, name + ".csproj")))
        .Order(StringComparer.Ordinal).ToList();

    private static IReadOnlyList<string> ProjectReferences(string module) =>
        XDocument.Load(Path.Combine(ModulesFolder, module, module + ".csproj"))
            .Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(((string)r.Attribute("Include")!).Replace('\\', '/')))
            .Order(StringComparer.Ordinal).ToList();

    private static Assembly AssemblyOf(string module) => Assembly.Load("Storefront." + module);

    [Fact]
    public void Every_module_project_has_a_row_in_the_module_map_and_every_row_a_project()
    {
        Assert.Equal(ModuleProjects(), ModuleMap.MayUse.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_module_in_the_map_is_registered_by_the_host_with_its_database()
    {
        var registered = RegisteredModules.All.Select(m => m.Name).Order(StringComparer.Ordinal);
        var mapped = ModuleMap.MayUse.Keys.Where(k => k != ModuleMap.BuildingBlocks).Order(StringComparer.Ordinal);
        Assert.Equal(mapped, registered);
    }

    [Fact]
    public void Each_module_project_references_exactly_the_projects_its_row_allows()
    {
        var wrong = ModuleProjects()
            .Where(m => ModuleMap.MayUse.ContainsKey(m))
            .Select(m => (Module: m, Actual: ProjectReferences(m), Allowed: ModuleMap.MayUse[m].Order(StringComparer.Ordinal).ToList()))
            .Where(x => !x.Actual.SequenceEqual(x.Allowed))
            .Select(x => $"{x.Module}.csproj references [{string.Join(", ", x.Actual)}]; the module map allows [{string.Join(", ", x.Allowed)}]")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>
    /// Project references are transitive, so a module can compile against a module it does not
    /// reference itself (Search using Cart through Checkout's reference): the compiled references catch that.
    /// </summary>
    [Fact]
    public void Each_module_assembly_uses_only_the_modules_its_row_allows()
    {
        var wrong = new List<string>();
        foreach (var (module, allowed) in ModuleMap.MayUse)
        {
            var used = AssemblyOf(module).GetReferencedAssemblies().Select(r => r.Name!)
                .Where(n => n.StartsWith("Storefront.", StringComparison.Ordinal)).Select(n => n.Split('.')[1]);
            wrong.AddRange(used.Except(allowed).Select(u => $"{module} uses {u}, which its row in the module map does not allow"));
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_module_map_has_no_cycles()
    {
        var done = new HashSet<string>();
        foreach (var module in ModuleMap.MayUse.Keys) Visit(module, []);

        void Visit(string module, List<string> path)
        {
            Assert.False(path.Contains(module), "Module cycle: " + string.Join(" → ", path.Append(module)));
            if (done.Contains(module)) return;
            foreach (var next in ModuleMap.MayUse[module]) Visit(next, [.. path, module]);
            done.Add(module);
        }
    }

    /// <summary>docs/architecture.md is where a newcomer learns the modules: it may not leave one out.</summary>
    [Fact]
    public void The_architecture_document_names_every_module_and_its_schema()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root(), "docs", "architecture.md"));
        var missing = ModuleMap.MayUse.Keys.Where(m => !doc.Contains($"Modules/{m} ", StringComparison.Ordinal)).Select(m => $"Modules/{m}")
            .Concat(RegisteredModules.Databases.Select(d => d.Module).Where(s => !doc.Contains($"`{s}`", StringComparison.Ordinal)).Select(s => $"schema `{s}`"))
            .ToList();
        Assert.True(missing.Count == 0, "docs/architecture.md does not name: " + string.Join(", ", missing));
    }
}

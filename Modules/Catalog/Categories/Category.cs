using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Categories;

/// <summary>
/// A node of the category tree. Path is the materialized path of ids ("/1/7/23/"), so a whole
/// subtree is one indexed prefix match.
/// </summary>
internal sealed class Category
{
    public int Id { get; set; }
    public int? ParentId { get; set; }
    public string Name { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Path { get; set; } = "/";
    public int Depth { get; set; }
    public int SortOrder { get; set; }
    public List<AttributeDefinition> AttributeDefinitions { get; set; } = [];

    public IEnumerable<int> AncestorIdsAndSelf() =>
        Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);
}

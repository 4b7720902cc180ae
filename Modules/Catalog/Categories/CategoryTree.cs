using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Categories;

/// <summary>
/// The whole category tree, cached in memory: a store has hundreds of categories, not millions,
/// and every page needs them. Changes through the admin evict the cache.
/// </summary>
internal sealed class CategoryTree(CatalogDbContext db, IMemoryCache cache)
{
    private const string CacheKey = "catalog:category-tree";

    public sealed record Snapshot(IReadOnlyDictionary<int, Category> ById, IReadOnlyDictionary<string, Category> BySlug)
    {
        public IReadOnlyList<CategoryCrumb> Crumbs(Category category) =>
            category.AncestorIdsAndSelf().Where(ById.ContainsKey).Select(id => ById[id])
                .Select(c => new CategoryCrumb(c.Id, c.Name, c.Slug)).ToList();

        public IEnumerable<Category> ChildrenOf(int? parentId) =>
            ById.Values.Where(c => c.ParentId == parentId).OrderBy(c => c.SortOrder).ThenBy(c => c.Name);

        /// <summary>Attributes a category's products carry: its own and every ancestor's, nearest wins.</summary>
        public IReadOnlyList<AttributeDefinition> EffectiveAttributes(Category category)
        {
            var result = new Dictionary<string, AttributeDefinition>(StringComparer.Ordinal);
            foreach (var id in category.AncestorIdsAndSelf())
            {
                if (!ById.TryGetValue(id, out var c)) continue;
                foreach (var definition in c.AttributeDefinitions) result[definition.Key] = definition;
            }
            return result.Values.ToList();
        }

        /// <summary>The category and every category below it.</summary>
        public int[] SubtreeIds(Category category) =>
            ById.Values.Where(c => c.Path.StartsWith(category.Path, StringComparison.Ordinal)).Select(c => c.Id).ToArray();

        public string PathName(Category category) => string.Join(" › ", Crumbs(category).Select(c => c.Name));

        private IReadOnlyList<CategoryNode>? _nodes;

        /// <summary>The tree as contract records, built once per snapshot (every page's header uses it).</summary>
        public IReadOnlyList<CategoryNode> Nodes => _nodes ??= Build(null);

        private List<CategoryNode> Build(int? parentId) =>
            ChildrenOf(parentId).Select(c => new CategoryNode(c.Id, c.ParentId, c.Name, c.Slug, c.Depth, Build(c.Id))).ToList();
    }

    /// <summary>Counts invalidations, so a tree read before a change is not cached after it.</summary>
    private sealed class Generation
    {
        public long Value;
    }

    private Generation Changes => cache.GetOrCreate(CacheKey + ":generation", entry =>
    {
        entry.Priority = CacheItemPriority.NeverRemove;
        return new Generation();
    })!;

    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey, out Snapshot? snapshot) && snapshot is not null) return snapshot;
        // A read that began before a change committed and ends after its invalidation holds the old
        // tree: it is returned to its caller but not cached, or every page would use it for ten minutes.
        var changes = Changes;
        var seen = Interlocked.Read(ref changes.Value);
        var all = await db.Categories.AsNoTracking().ToListAsync(cancellationToken);
        snapshot = new Snapshot(all.ToDictionary(c => c.Id), all.ToDictionary(c => c.Slug, StringComparer.Ordinal));
        if (Interlocked.Read(ref changes.Value) == seen) cache.Set(CacheKey, snapshot, TimeSpan.FromMinutes(10));
        return snapshot;
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref Changes.Value);
        cache.Remove(CacheKey);
    }
}

using Microsoft.EntityFrameworkCore;

namespace Storefront.Search.Data;

/// <summary>The search module's own tables: the popularity signals that re-rank results.</summary>
internal sealed class SearchDbContext(DbContextOptions<SearchDbContext> options) : DbContext(options)
{
    public const string Schema = "search";

    public DbSet<ProductActivity> Activity => Set<ProductActivity>();
    public DbSet<ProductPopularity> Popularity => Set<ProductPopularity>();
    public DbSet<CountedOrder> CountedOrders => Set<CountedOrder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<ProductActivity>(e =>
        {
            e.ToTable("product_activity");
            e.HasKey(a => new { a.ProductId, a.Day });
            e.HasIndex(a => a.Day);
        });
        modelBuilder.Entity<ProductPopularity>(e =>
        {
            e.ToTable("product_popularity");
            e.HasKey(p => p.ProductId);
            e.HasIndex(p => p.ProductId).HasFilter("stale").HasDatabaseName("ix_product_popularity_stale");
        });
        modelBuilder.Entity<CountedOrder>(e =>
        {
            e.ToTable("counted_orders");
            e.HasKey(o => o.OrderId);
        });
    }
}

/// <summary>Clicks from search results and units bought, per product and day.</summary>
internal sealed class ProductActivity
{
    public Guid ProductId { get; set; }
    public DateOnly Day { get; set; }
    public int Clicks { get; set; }
    public int Purchases { get; set; }
}

/// <summary>A product's clicks and purchases over the ranking window; stale until the popularity job recounts them.</summary>
internal sealed class ProductPopularity
{
    public Guid ProductId { get; set; }
    public int Clicks { get; set; }
    public int Purchases { get; set; }
    public bool Stale { get; set; }
    public DateTimeOffset? ComputedAt { get; set; }
}

/// <summary>Orders whose purchases were counted (events arrive at least once).</summary>
internal sealed class CountedOrder
{
    public Guid OrderId { get; set; }
    public DateTimeOffset CountedAt { get; set; }
}

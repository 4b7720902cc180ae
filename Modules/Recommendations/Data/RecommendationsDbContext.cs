using Microsoft.EntityFrameworkCore;

namespace Storefront.Recommendations.Data;

/// <summary>
/// The module's own tables: what each customer bought (its copy of the order history, refreshed by
/// every rebuild), where each product sits in the catalog, the lists, each category's best-sellers,
/// the merchant's pins and blocks, and the rebuilds' record.
/// </summary>
internal sealed class RecommendationsDbContext(DbContextOptions<RecommendationsDbContext> options) : DbContext(options)
{
    public const string Schema = "recommendations";

    public DbSet<PurchasedItem> Purchases => Set<PurchasedItem>();
    public DbSet<CoPurchase> CoPurchases => Set<CoPurchase>();
    public DbSet<RebuildRun> Runs => Set<RebuildRun>();
    public DbSet<StaleProduct> StaleProducts => Set<StaleProduct>();
    public DbSet<Placement> Placements => Set<Placement>();
    public DbSet<BestSeller> BestSellers => Set<BestSeller>();
    public DbSet<Pin> Pins => Set<Pin>();
    public DbSet<Block> Blocks => Set<Block>();
    public DbSet<ProductBuyers> ProductBuyers => Set<ProductBuyers>();
    public DbSet<HeavyCustomer> HeavyCustomers => Set<HeavyCustomer>();
    public DbSet<HistoryTotals> Totals => Set<HistoryTotals>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<PurchasedItem>(e =>
        {
            e.ToTable("purchases");
            e.HasKey(p => new { p.OrderId, p.Sku });
            e.Property(p => p.Sku).HasMaxLength(64);
            e.Property(p => p.Customer).HasMaxLength(330);
            e.HasIndex(p => new { p.Customer, p.Sku });
            e.HasIndex(p => p.Sku);
        });
        modelBuilder.Entity<CoPurchase>(e =>
        {
            e.ToTable("co_purchases");
            e.HasKey(c => new { c.Sku, c.Rank });
            e.Property(c => c.Sku).HasMaxLength(64);
            e.Property(c => c.OtherSku).HasMaxLength(64);
            e.Property(c => c.Source).HasMaxLength(20);
        });
        modelBuilder.Entity<Placement>(e =>
        {
            e.ToTable("placements");
            e.HasKey(p => p.Sku);
            e.Property(p => p.Sku).HasMaxLength(64);
        });
        modelBuilder.Entity<BestSeller>(e =>
        {
            e.ToTable("best_sellers");
            e.HasKey(b => new { b.CategoryId, b.Rank });
            e.Property(b => b.Sku).HasMaxLength(64);
        });
        modelBuilder.Entity<ProductBuyers>(e =>
        {
            e.ToTable("product_buyers");
            e.HasKey(b => b.Sku);
            e.Property(b => b.Sku).HasMaxLength(64);
        });
        modelBuilder.Entity<HeavyCustomer>(e =>
        {
            e.ToTable("heavy_customers");
            e.HasKey(h => h.Customer);
            e.Property(h => h.Customer).HasMaxLength(330);
        });
        modelBuilder.Entity<HistoryTotals>(e =>
        {
            e.ToTable("totals");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<Pin>(e =>
        {
            e.ToTable("pins");
            e.HasKey(p => new { p.Sku, p.OtherSku });
            e.Property(p => p.Sku).HasMaxLength(64);
            e.Property(p => p.OtherSku).HasMaxLength(64);
        });
        modelBuilder.Entity<Block>(e =>
        {
            e.ToTable("blocks");
            e.HasKey(b => new { b.Sku, b.OtherSku });
            e.Property(b => b.Sku).HasMaxLength(64);
            e.Property(b => b.OtherSku).HasMaxLength(64);
            e.HasIndex(b => b.OtherSku);
        });
        modelBuilder.Entity<StaleProduct>(e =>
        {
            e.ToTable("stale_products");
            e.HasKey(p => p.Sku);
            e.Property(p => p.Sku).HasMaxLength(64);
            e.HasIndex(p => p.MarkedAt);
        });
        modelBuilder.Entity<RebuildRun>(e =>
        {
            e.ToTable("runs");
            e.HasKey(r => r.Id);
            e.HasIndex(r => r.StartedAt);
        });
    }
}

/// <summary>A product a customer bought in one standing order.</summary>
internal sealed class PurchasedItem
{
    public Guid OrderId { get; set; }
    public string Sku { get; set; } = "";
    public string Customer { get; set; } = "";
    public DateTimeOffset PlacedAt { get; set; }
}

/// <summary>One entry of a product's list: <see cref="OtherSku"/> at <see cref="Rank"/> (1 is the best).</summary>
internal sealed class CoPurchase
{
    public string Sku { get; set; } = "";
    public int Rank { get; set; }
    public string OtherSku { get; set; } = "";
    /// <summary>The log-likelihood ratio of buying both (higher: less likely to be chance).</summary>
    public double Score { get; set; }
    /// <summary>Customers who bought both.</summary>
    public int Together { get; set; }
    public string Source { get; set; } = "";
    public DateTimeOffset ComputedAt { get; set; }
    /// <summary>The other product's own category when it was last placed (a bundle prefers another category).</summary>
    public int? OtherCategoryId { get; set; }
}

/// <summary>Where a published product sits in the catalog: its category ids, root first (the last is its own).</summary>
internal sealed class Placement
{
    public string Sku { get; set; } = "";
    public int[] CategoryIds { get; set; } = [];
}

/// <summary>One of a category's best-sellers (its products and those of every category under it), by customers.</summary>
internal sealed class BestSeller
{
    public int CategoryId { get; set; }
    public int Rank { get; set; }
    public string Sku { get; set; } = "";
    public int Buyers { get; set; }
}

/// <summary>A product the merchant put at the top of another's list.</summary>
internal sealed class Pin
{
    public string Sku { get; set; } = "";
    public string OtherSku { get; set; } = "";
    public DateTimeOffset PinnedAt { get; set; }
}

/// <summary>A pair the merchant never wants recommended together (either way round).</summary>
internal sealed class Block
{
    public string Sku { get; set; } = "";
    public string OtherSku { get; set; } = "";
    public DateTimeOffset BlockedAt { get; set; }
}

/// <summary>A product whose list is due to be computed again: an order with it came in, or went away.</summary>
internal sealed class StaleProduct
{
    public string Sku { get; set; } = "";
    public DateTimeOffset MarkedAt { get; set; }
}

/// <summary>A full rebuild: when, how long, what it read and kept.</summary>
internal sealed class RebuildRun
{
    public Guid Id { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public int Orders { get; set; }
    public int Lines { get; set; }
    public int Customers { get; set; }
    public int Products { get; set; }
    public int PairsKept { get; set; }
}

/// <summary>How many customers bought a product (heavy customers left out): kept by the rebuild and by each order since.</summary>
internal sealed class ProductBuyers
{
    public string Sku { get; set; } = "";
    public int Buyers { get; set; }
}

/// <summary>A customer with more different products than <c>MaxProductsPerCustomer</c> at the last rebuild: left out of the counts.</summary>
internal sealed class HeavyCustomer
{
    public string Customer { get; set; } = "";
}

/// <summary>The one row of history-wide counts: customers (heavy ones left out), kept like <see cref="ProductBuyers"/>.</summary>
internal sealed class HistoryTotals
{
    public int Id { get; set; }
    public int Customers { get; set; }
}

using Microsoft.EntityFrameworkCore;

namespace Storefront.Recommendations.Data;

/// <summary>
/// The module's own tables: what each customer bought (its copy of the order history, refreshed by
/// every rebuild), the lists, and the rebuilds' record.
/// </summary>
internal sealed class RecommendationsDbContext(DbContextOptions<RecommendationsDbContext> options) : DbContext(options)
{
    public const string Schema = "recommendations";

    public DbSet<PurchasedItem> Purchases => Set<PurchasedItem>();
    public DbSet<CoPurchase> CoPurchases => Set<CoPurchase>();
    public DbSet<RebuildRun> Runs => Set<RebuildRun>();
    public DbSet<StaleProduct> StaleProducts => Set<StaleProduct>();

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

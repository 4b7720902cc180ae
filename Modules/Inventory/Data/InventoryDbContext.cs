using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Stock;

namespace Storefront.Inventory.Data;

internal sealed class InventoryDbContext(DbContextOptions<InventoryDbContext> options) : DbContext(options)
{
    public const string Schema = "inventory";

    public DbSet<StockItem> StockItems => Set<StockItem>();
    public DbSet<StockLedgerEntry> StockLedger => Set<StockLedgerEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.AddOutbox();
        modelBuilder.Entity<StockItem>(e =>
        {
            e.ToTable("stock_items", t =>
            {
                t.HasCheckConstraint("ck_stock_items_on_hand", "on_hand >= 0");
                t.HasCheckConstraint("ck_stock_items_reserved", "reserved >= 0 AND reserved <= on_hand");
                t.HasCheckConstraint("ck_stock_items_price", "price >= 0");
            });
            e.HasKey(s => s.Sku);
            e.Property(s => s.Sku).HasMaxLength(64);
            e.Property(s => s.Price).HasPrecision(12, 2);
            e.Property(s => s.Currency).HasMaxLength(3).IsFixedLength();
            // Low-stock list for merchants.
            e.HasIndex(s => s.OnHand);
        });

        modelBuilder.Entity<StockLedgerEntry>(e =>
        {
            e.ToTable("stock_ledger");
            e.HasKey(l => l.Id);
            e.Property(l => l.Id).UseIdentityAlwaysColumn();
            e.Property(l => l.Sku).HasMaxLength(64);
            e.Property(l => l.Reason).HasMaxLength(200);
            e.Property(l => l.Actor).HasMaxLength(100);
            e.Property(l => l.Reference).HasMaxLength(100);
            e.HasIndex(l => new { l.Sku, l.Id });
        });
    }
}

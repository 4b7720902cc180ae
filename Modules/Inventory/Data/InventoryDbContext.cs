using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Inventory.Stock;

namespace Storefront.Inventory.Data;

internal sealed class InventoryDbContext(DbContextOptions<InventoryDbContext> options) : DbContext(options)
{
    public const string Schema = "inventory";

    public DbSet<StockItem> StockItems => Set<StockItem>();
    public DbSet<StockLedgerEntry> StockLedger => Set<StockLedgerEntry>();
    public DbSet<Reservations.Reservation> Reservations => Set<Reservations.Reservation>();
    public DbSet<Alerts.StockAlert> StockAlerts => Set<Alerts.StockAlert>();

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

        modelBuilder.Entity<Reservations.Reservation>(e =>
        {
            e.ToTable("reservations", t => t.HasCheckConstraint("ck_reservations_quantity", "quantity > 0"));
            e.HasKey(r => r.Id);
            e.Property(r => r.Sku).HasMaxLength(64);
            e.Property(r => r.Holder).HasMaxLength(100);
            e.Property(r => r.Status).HasMaxLength(16);
            e.Property(r => r.Reference).HasMaxLength(100);
            // One live hold per holder and SKU: re-adding adjusts it.
            e.HasIndex(r => new { r.Holder, r.Sku }).IsUnique().HasFilter("status = 'active'");
            e.HasIndex(r => new { r.Sku, r.ExpiresAt }).HasFilter("status = 'active'");
            e.HasIndex(r => r.ExpiresAt).HasFilter("status = 'active'");
        });

        modelBuilder.Entity<Alerts.StockAlert>(e =>
        {
            e.ToTable("stock_alerts");
            e.HasKey(a => a.Id);
            e.Property(a => a.Sku).HasMaxLength(64);
            e.Property(a => a.UserId).HasMaxLength(450);
            e.HasIndex(a => new { a.UserId, a.Sku }).IsUnique();
            e.HasIndex(a => new { a.Sku, a.CreatedAt });
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

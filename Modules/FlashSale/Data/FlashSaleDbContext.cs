using Microsoft.EntityFrameworkCore;
using Storefront.FlashSale.Sales;

namespace Storefront.FlashSale.Data;

internal sealed class FlashSaleDbContext(DbContextOptions<FlashSaleDbContext> options) : DbContext(options)
{
    public const string Schema = "flashsale";

    public DbSet<Sale> Sales => Set<Sale>();
    public DbSet<Purchase> Purchases => Set<Purchase>();
    public DbSet<ModuleSecret> Secrets => Set<ModuleSecret>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<Sale>(e =>
        {
            e.ToTable("sales", t =>
            {
                t.HasCheckConstraint("ck_sales_units", "units > 0");
                t.HasCheckConstraint("ck_sales_price", "price > 0");
                t.HasCheckConstraint("ck_sales_window", "ends_at > starts_at");
                t.HasCheckConstraint("ck_sales_quota", "quota_held >= 0 AND quota_held <= units");
                // The last guard against overselling: no order commits beyond the units held for the sale.
                t.HasCheckConstraint("ck_sales_sold", "sold >= 0 AND sold + returned <= quota_held");
            });
            e.HasKey(s => s.Id);
            e.Property(s => s.Slug).HasMaxLength(100);
            e.Property(s => s.Sku).HasMaxLength(64);
            e.Property(s => s.Price).HasPrecision(12, 2);
            e.Property(s => s.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            // The sale page's address; also what makes a double-submitted form one sale.
            e.HasIndex(s => s.Slug).IsUnique();
            e.HasIndex(s => new { s.Sku, s.StartsAt });
        });
        modelBuilder.Entity<Purchase>(e =>
        {
            e.ToTable("purchases");
            e.HasKey(p => p.Id);
            e.Property(p => p.Customer).HasMaxLength(100);
            e.Property(p => p.UserId).HasMaxLength(100);
            e.Property(p => p.Email).HasMaxLength(320);
            e.Property(p => p.ShippingAddress).HasColumnType("jsonb");
            e.Property(p => p.ShippingMethod).HasMaxLength(50);
            e.Property(p => p.State).HasMaxLength(16);
            e.Property(p => p.OrderNumber).HasMaxLength(40);
            e.HasIndex(p => new { p.SaleId, p.State, p.CreatedAt });
            e.HasIndex(p => new { p.SaleId, p.Customer });
        });
        modelBuilder.Entity<ModuleSecret>(e =>
        {
            e.ToTable("secrets");
            e.HasKey(s => s.Name);
            e.Property(s => s.Name).HasMaxLength(50);
        });
    }
}

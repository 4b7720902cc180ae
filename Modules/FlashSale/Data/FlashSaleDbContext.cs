using Microsoft.EntityFrameworkCore;
using Storefront.FlashSale.Sales;

namespace Storefront.FlashSale.Data;

internal sealed class FlashSaleDbContext(DbContextOptions<FlashSaleDbContext> options) : DbContext(options)
{
    public const string Schema = "flashsale";

    public DbSet<Sale> Sales => Set<Sale>();

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
    }
}

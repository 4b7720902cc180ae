using Microsoft.EntityFrameworkCore;

namespace Storefront.Cart.Data;

/// <summary>The durable copy of a cart, written behind from Redis.</summary>
internal sealed class CartRecord
{
    public Guid Id { get; set; }
    public string? UserId { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<CartLineRecord> Lines { get; set; } = [];
}

internal sealed class CartLineRecord
{
    public Guid CartId { get; set; }
    public string Sku { get; set; } = "";
    public int Quantity { get; set; }
    public decimal? PriceAmount { get; set; }
    public string? PriceCurrency { get; set; }
}

internal sealed class CartDbContext(DbContextOptions<CartDbContext> options) : DbContext(options)
{
    public const string Schema = "cart";

    public DbSet<CartRecord> Carts => Set<CartRecord>();
    public DbSet<CartLineRecord> Lines => Set<CartLineRecord>();
    public DbSet<Saved.SavedProductRow> SavedProducts => Set<Saved.SavedProductRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<CartRecord>(e =>
        {
            e.ToTable("carts", t => t.HasCheckConstraint("ck_carts_version", "version >= 0"));
            e.HasKey(c => c.Id);
            e.Property(c => c.UserId).HasMaxLength(64);
            e.HasIndex(c => c.UserId).IsUnique().HasFilter("user_id IS NOT NULL");
            e.HasIndex(c => c.UpdatedAt).HasFilter("user_id IS NULL");
            e.HasMany(c => c.Lines).WithOne().HasForeignKey(l => l.CartId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<CartLineRecord>(e =>
        {
            e.ToTable("cart_lines", t => t.HasCheckConstraint("ck_cart_lines_quantity", "quantity > 0"));
            e.HasKey(l => new { l.CartId, l.Sku });
            e.Property(l => l.Sku).HasMaxLength(64);
            e.Property(l => l.PriceAmount).HasPrecision(12, 2);
            e.Property(l => l.PriceCurrency).HasMaxLength(3).IsFixedLength();
        });
        modelBuilder.Entity<Saved.SavedProductRow>(e =>
        {
            e.ToTable("saved_products");
            e.HasKey(s => new { s.UserId, s.Sku });
            e.Property(s => s.UserId).HasMaxLength(64);
            e.Property(s => s.Sku).HasMaxLength(64);
        });
    }
}

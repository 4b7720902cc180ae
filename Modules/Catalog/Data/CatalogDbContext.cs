using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Categories;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Listing;
using Storefront.Catalog.Products;
using Storefront.Catalog.Reviews;

namespace Storefront.Catalog.Data;

internal sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public const string Schema = "catalog";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<ProductImageRow> ProductImages => Set<ProductImageRow>();
    public DbSet<Review> Reviews => Set<Review>();
    public DbSet<ListingPrice> ListingPrices => Set<ListingPrice>();
    public DbSet<Transfer.ProductImport> ProductImports => Set<Transfer.ProductImport>();
    public DbSet<Transfer.ProductImportRow> ProductImportRows => Set<Transfer.ProductImportRow>();
    public DbSet<Content.StorePage> StorePages => Set<Content.StorePage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.AddOutbox();

        modelBuilder.Entity<Category>(e =>
        {
            e.ToTable("categories");
            e.HasKey(c => c.Id);
            e.Property(c => c.Name).HasMaxLength(100);
            e.Property(c => c.Slug).HasMaxLength(120);
            e.HasIndex(c => c.Slug).IsUnique();
            e.Property(c => c.Path).HasMaxLength(400);
            // text_pattern_ops lets "path LIKE '/1/7/%'" use the index whatever the collation.
            e.HasIndex(c => c.Path).HasOperators("text_pattern_ops");
            e.HasIndex(c => c.ParentId);
            e.Property(c => c.AttributeDefinitions)
                .HasColumnType("jsonb")
                .HasConversion(
                    v => JsonSerializer.Serialize(v, Json),
                    v => JsonSerializer.Deserialize<List<AttributeDefinition>>(v, Json) ?? new List<AttributeDefinition>(),
                    new ValueComparer<List<AttributeDefinition>>(
                        (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                        v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
                        v => v.ToList()));
        });

        modelBuilder.Entity<Product>(e =>
        {
            e.ToTable("products");
            e.HasKey(p => p.Id);
            e.Property(p => p.Sku).HasMaxLength(64);
            e.HasIndex(p => p.Sku).IsUnique();
            e.Property(p => p.Slug).HasMaxLength(200);
            e.HasIndex(p => p.Slug).IsUnique();
            e.Property(p => p.Title).HasMaxLength(200);
            e.Property(p => p.Brand).HasMaxLength(100);
            e.Property(p => p.Description).HasMaxLength(10_000);
            e.Property(p => p.CategoryPath).HasMaxLength(400);
            e.Property(p => p.Attributes).HasColumnType("jsonb");
            e.Property(p => p.AverageRating).HasPrecision(3, 2);
            e.HasMany(p => p.Images).WithOne().HasForeignKey(i => i.ProductId).OnDelete(DeleteBehavior.Cascade);
            // Category pages: subtree prefix + keyset sort orders.
            e.HasIndex(p => p.CategoryPath).HasOperators("text_pattern_ops").HasFilter("is_published");
            e.HasIndex(p => new { p.CreatedAt, p.Id }).HasFilter("is_published");
            // Category pages read each category of a subtree in sort order and merge (CategoryBrowser).
            e.HasIndex(p => new { p.CategoryId, p.CreatedAt, p.Id }).HasFilter("is_published");
            e.HasIndex(p => new { p.CategoryId, p.AverageRating, p.ReviewCount, p.Id }).HasFilter("is_published");
            e.HasIndex(p => new { p.AverageRating, p.ReviewCount, p.Id }).HasFilter("is_published");
            e.HasIndex(p => p.Attributes).HasMethod("gin").HasOperators("jsonb_path_ops");
            e.HasIndex(p => p.Title).HasMethod("gin").HasOperators("gin_trgm_ops");
            e.HasIndex(p => p.CategoryId);
        });

        modelBuilder.Entity<ProductImageRow>(e =>
        {
            e.ToTable("product_images");
            e.HasKey(i => new { i.ProductId, i.Position });
            e.Property(i => i.Url).HasMaxLength(500);
            e.Property(i => i.AltText).HasMaxLength(300);
        });

        modelBuilder.Entity<Review>(e =>
        {
            e.ToTable("reviews", t => t.HasCheckConstraint("ck_reviews_rating", "rating BETWEEN 1 AND 5"));
            e.HasKey(r => r.Id);
            e.Property(r => r.Title).HasMaxLength(200);
            e.Property(r => r.Body).HasMaxLength(5000);
            e.Property(r => r.Author).HasMaxLength(100);
            e.HasIndex(r => new { r.ProductId, r.CreatedAt });
            e.Property(r => r.UserId).HasMaxLength(450);
            e.HasIndex(r => new { r.ProductId, r.UserId }).IsUnique().HasFilter("user_id IS NOT NULL");
            e.HasIndex(r => r.UserId).HasFilter("user_id IS NOT NULL");
        });

        modelBuilder.Entity<CategoryFacetRow>(e =>
        {
            e.ToTable("category_facets");
            e.HasKey(f => f.CategoryId);
            e.Property(f => f.CategoryId).ValueGeneratedNever();
            e.Property(f => f.Facets).HasColumnType("jsonb");
        });
        // Each change that can alter a category's counts marks it with a new number from this sequence.
        modelBuilder.HasSequence<long>("category_facet_marks");

        modelBuilder.Entity<ListingPrice>(e =>
        {
            e.ToTable("listing_prices");
            e.HasKey(l => l.Sku);
            e.Property(l => l.Sku).HasMaxLength(64);
            e.Property(l => l.Price).HasPrecision(12, 2);
            e.Property(l => l.Currency).HasMaxLength(3).IsFixedLength();
            e.HasIndex(l => new { l.CategoryId, l.Price, l.ProductId }).HasFilter("published");
            e.HasIndex(l => l.ProductId);
        });

        modelBuilder.Entity<Transfer.ProductImport>(e =>
        {
            e.ToTable("product_imports");
            e.HasKey(i => i.Id);
            e.Property(i => i.FileName).HasMaxLength(200);
            e.Property(i => i.CreatedBy).HasMaxLength(256);
            e.Property(i => i.StartedBy).HasMaxLength(256);
            e.Property(i => i.Status).HasMaxLength(20);
            e.HasIndex(i => i.CreatedAt);
        });

        modelBuilder.Entity<Transfer.ProductImportRow>(e =>
        {
            e.ToTable("product_import_rows");
            e.HasKey(r => new { r.ImportId, r.Line });
            e.Property(r => r.Sku).HasMaxLength(64);
            e.Property(r => r.Action).HasConversion<string>().HasMaxLength(10);
            e.Property(r => r.Plan).HasColumnType("jsonb");
            e.Property(r => r.Changes).HasColumnType("jsonb");
            e.Property(r => r.Skipped).HasColumnType("jsonb");
            e.HasOne<Transfer.ProductImport>().WithMany().HasForeignKey(r => r.ImportId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Content.StorePage>(e =>
        {
            e.ToTable("store_pages");
            e.HasKey(p => p.Id);
            e.Property(p => p.Slug).HasMaxLength(80);
            e.HasIndex(p => p.Slug).IsUnique();
            e.Property(p => p.Title).HasMaxLength(120);
            e.Property(p => p.Summary).HasMaxLength(300);
            e.Property(p => p.Body).HasMaxLength(Contracts.IStorePagesAdmin.MaxBody);
            e.Property(p => p.UpdatedBy).HasMaxLength(256);
        });
    }
}

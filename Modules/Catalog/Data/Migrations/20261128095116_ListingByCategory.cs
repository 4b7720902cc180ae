using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Catalog.Data.Migrations
{
    /// <inheritdoc />
    public partial class ListingByCategory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_listing_prices_price_sku",
                schema: "catalog",
                table: "listing_prices");

            migrationBuilder.AddColumn<int>(
                name: "category_id",
                schema: "catalog",
                table: "listing_prices",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "product_id",
                schema: "catalog",
                table: "listing_prices",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "published",
                schema: "catalog",
                table: "listing_prices",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Existing stores: point every listing row at its product before the new indexes are built.
            migrationBuilder.Sql("""
                UPDATE catalog.listing_prices lp
                SET product_id = p.id, category_id = p.category_id, published = p.is_published
                FROM catalog.products p WHERE p.sku = lp.sku
                """);

            migrationBuilder.CreateIndex(
                name: "ix_products_category_id_average_rating_review_count_id",
                schema: "catalog",
                table: "products",
                columns: new[] { "category_id", "average_rating", "review_count", "id" },
                filter: "is_published");

            migrationBuilder.CreateIndex(
                name: "ix_products_category_id_created_at_id",
                schema: "catalog",
                table: "products",
                columns: new[] { "category_id", "created_at", "id" },
                filter: "is_published");

            migrationBuilder.CreateIndex(
                name: "ix_listing_prices_category_id_price_product_id",
                schema: "catalog",
                table: "listing_prices",
                columns: new[] { "category_id", "price", "product_id" },
                filter: "published");

            migrationBuilder.CreateIndex(
                name: "ix_listing_prices_product_id",
                schema: "catalog",
                table: "listing_prices",
                column: "product_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_products_category_id_average_rating_review_count_id",
                schema: "catalog",
                table: "products");

            migrationBuilder.DropIndex(
                name: "ix_products_category_id_created_at_id",
                schema: "catalog",
                table: "products");

            migrationBuilder.DropIndex(
                name: "ix_listing_prices_category_id_price_product_id",
                schema: "catalog",
                table: "listing_prices");

            migrationBuilder.DropIndex(
                name: "ix_listing_prices_product_id",
                schema: "catalog",
                table: "listing_prices");

            migrationBuilder.DropColumn(
                name: "category_id",
                schema: "catalog",
                table: "listing_prices");

            migrationBuilder.DropColumn(
                name: "product_id",
                schema: "catalog",
                table: "listing_prices");

            migrationBuilder.DropColumn(
                name: "published",
                schema: "catalog",
                table: "listing_prices");

            migrationBuilder.CreateIndex(
                name: "ix_listing_prices_price_sku",
                schema: "catalog",
                table: "listing_prices",
                columns: new[] { "price", "sku" });
        }
    }
}

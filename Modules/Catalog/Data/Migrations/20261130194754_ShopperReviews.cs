using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Catalog.Data.Migrations
{
    /// <inheritdoc />
    public partial class ShopperReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "user_id",
                schema: "catalog",
                table: "reviews",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_reviews_product_id_user_id",
                schema: "catalog",
                table: "reviews",
                columns: new[] { "product_id", "user_id" },
                unique: true,
                filter: "user_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_reviews_user_id",
                schema: "catalog",
                table: "reviews",
                column: "user_id",
                filter: "user_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_reviews_product_id_user_id",
                schema: "catalog",
                table: "reviews");

            migrationBuilder.DropIndex(
                name: "ix_reviews_user_id",
                schema: "catalog",
                table: "reviews");

            migrationBuilder.DropColumn(
                name: "user_id",
                schema: "catalog",
                table: "reviews");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Checkout.Data.Migrations
{
    /// <inheritdoc />
    public partial class DiscountUses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_orders_discount_code",
                schema: "checkout",
                table: "orders",
                column: "discount_code",
                filter: "discount_code IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "status", "discount", "total" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_discount_code",
                schema: "checkout",
                table: "orders");
        }
    }
}

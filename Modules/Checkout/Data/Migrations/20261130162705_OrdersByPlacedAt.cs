using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Checkout.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrdersByPlacedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_orders_placed_at_id",
                schema: "checkout",
                table: "orders",
                columns: new[] { "placed_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "status", "currency", "total", "refunded" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_placed_at_id",
                schema: "checkout",
                table: "orders");
        }
    }
}

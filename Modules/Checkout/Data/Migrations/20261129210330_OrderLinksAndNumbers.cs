using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Checkout.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrderLinksAndNumbers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropSequence(
                name: "order_number_seq",
                schema: "checkout");

            migrationBuilder.AddColumn<int>(
                name: "link_version",
                schema: "checkout",
                table: "orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "link_version",
                schema: "checkout",
                table: "orders");

            migrationBuilder.CreateSequence(
                name: "order_number_seq",
                schema: "checkout",
                startValue: 100001L);
        }
    }
}

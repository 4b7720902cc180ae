using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Checkout.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReservedOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_checkouts_cart_id",
                schema: "checkout",
                table: "checkouts");

            migrationBuilder.AddColumn<string>(
                name: "source",
                schema: "checkout",
                table: "checkouts",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source_reference",
                schema: "checkout",
                table: "checkouts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_checkouts_cart_id",
                schema: "checkout",
                table: "checkouts",
                column: "cart_id",
                unique: true,
                filter: "source IS NULL AND state IN ('started', 'charging', 'charged', 'order_created', 'stock_committed', 'compensating')");

            migrationBuilder.CreateIndex(
                name: "ix_checkouts_source_source_reference",
                schema: "checkout",
                table: "checkouts",
                columns: new[] { "source", "source_reference" },
                unique: true,
                filter: "source IS NOT NULL AND state <> 'failed'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_checkouts_cart_id",
                schema: "checkout",
                table: "checkouts");

            migrationBuilder.DropIndex(
                name: "ix_checkouts_source_source_reference",
                schema: "checkout",
                table: "checkouts");

            migrationBuilder.DropColumn(
                name: "source",
                schema: "checkout",
                table: "checkouts");

            migrationBuilder.DropColumn(
                name: "source_reference",
                schema: "checkout",
                table: "checkouts");

            migrationBuilder.CreateIndex(
                name: "ix_checkouts_cart_id",
                schema: "checkout",
                table: "checkouts",
                column: "cart_id",
                unique: true,
                filter: "state IN ('started', 'charging', 'charged', 'order_created', 'stock_committed', 'compensating')");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Search.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "search");

            migrationBuilder.CreateTable(
                name: "counted_orders",
                schema: "search",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    counted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_counted_orders", x => x.order_id);
                });

            migrationBuilder.CreateTable(
                name: "product_activity",
                schema: "search",
                columns: table => new
                {
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    clicks = table.Column<int>(type: "integer", nullable: false),
                    purchases = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_activity", x => new { x.product_id, x.day });
                });

            migrationBuilder.CreateTable(
                name: "product_popularity",
                schema: "search",
                columns: table => new
                {
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    clicks = table.Column<int>(type: "integer", nullable: false),
                    purchases = table.Column<int>(type: "integer", nullable: false),
                    stale = table.Column<bool>(type: "boolean", nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_popularity", x => x.product_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_product_activity_day",
                schema: "search",
                table: "product_activity",
                column: "day");

            migrationBuilder.CreateIndex(
                name: "ix_product_popularity_stale",
                schema: "search",
                table: "product_popularity",
                column: "product_id",
                filter: "stale");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "counted_orders",
                schema: "search");

            migrationBuilder.DropTable(
                name: "product_activity",
                schema: "search");

            migrationBuilder.DropTable(
                name: "product_popularity",
                schema: "search");
        }
    }
}

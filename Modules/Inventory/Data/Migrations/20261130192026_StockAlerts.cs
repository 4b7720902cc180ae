using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Inventory.Data.Migrations
{
    /// <inheritdoc />
    public partial class StockAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "stock_alerts",
                schema: "inventory",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_alerts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_stock_alerts_sku_created_at",
                schema: "inventory",
                table: "stock_alerts",
                columns: new[] { "sku", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_stock_alerts_user_id_sku",
                schema: "inventory",
                table: "stock_alerts",
                columns: new[] { "user_id", "sku" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "stock_alerts",
                schema: "inventory");
        }
    }
}

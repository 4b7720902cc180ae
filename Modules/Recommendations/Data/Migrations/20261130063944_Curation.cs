using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Recommendations.Data.Migrations
{
    /// <inheritdoc />
    public partial class Curation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "other_category_id",
                schema: "recommendations",
                table: "co_purchases",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "best_sellers",
                schema: "recommendations",
                columns: table => new
                {
                    category_id = table.Column<int>(type: "integer", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    buyers = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_best_sellers", x => new { x.category_id, x.rank });
                });

            migrationBuilder.CreateTable(
                name: "blocks",
                schema: "recommendations",
                columns: table => new
                {
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    other_sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    blocked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_blocks", x => new { x.sku, x.other_sku });
                });

            migrationBuilder.CreateTable(
                name: "pins",
                schema: "recommendations",
                columns: table => new
                {
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    other_sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    pinned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pins", x => new { x.sku, x.other_sku });
                });

            migrationBuilder.CreateTable(
                name: "placements",
                schema: "recommendations",
                columns: table => new
                {
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    category_ids = table.Column<int[]>(type: "integer[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_placements", x => x.sku);
                });

            migrationBuilder.CreateIndex(
                name: "ix_blocks_other_sku",
                schema: "recommendations",
                table: "blocks",
                column: "other_sku");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "best_sellers",
                schema: "recommendations");

            migrationBuilder.DropTable(
                name: "blocks",
                schema: "recommendations");

            migrationBuilder.DropTable(
                name: "pins",
                schema: "recommendations");

            migrationBuilder.DropTable(
                name: "placements",
                schema: "recommendations");

            migrationBuilder.DropColumn(
                name: "other_category_id",
                schema: "recommendations",
                table: "co_purchases");
        }
    }
}

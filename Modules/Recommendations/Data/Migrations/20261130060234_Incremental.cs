using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Recommendations.Data.Migrations
{
    /// <inheritdoc />
    public partial class Incremental : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "stale_products",
                schema: "recommendations",
                columns: table => new
                {
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    marked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stale_products", x => x.sku);
                });

            migrationBuilder.CreateIndex(
                name: "ix_stale_products_marked_at",
                schema: "recommendations",
                table: "stale_products",
                column: "marked_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "stale_products",
                schema: "recommendations");
        }
    }
}

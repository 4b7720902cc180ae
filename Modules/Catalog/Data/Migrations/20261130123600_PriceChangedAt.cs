using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Catalog.Data.Migrations
{
    /// <inheritdoc />
    public partial class PriceChangedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "price_changed_at",
                schema: "catalog",
                table: "listing_prices",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "price_changed_at",
                schema: "catalog",
                table: "listing_prices");
        }
    }
}

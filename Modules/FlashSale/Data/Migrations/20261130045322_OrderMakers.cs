using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.FlashSale.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrderMakers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_purchases_sale_id_state",
                schema: "flashsale",
                table: "purchases");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ordering_until",
                schema: "flashsale",
                table: "purchases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_purchases_sale_id_state_created_at",
                schema: "flashsale",
                table: "purchases",
                columns: new[] { "sale_id", "state", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_purchases_sale_id_state_created_at",
                schema: "flashsale",
                table: "purchases");

            migrationBuilder.DropColumn(
                name: "ordering_until",
                schema: "flashsale",
                table: "purchases");

            migrationBuilder.CreateIndex(
                name: "ix_purchases_sale_id_state",
                schema: "flashsale",
                table: "purchases",
                columns: new[] { "sale_id", "state" });
        }
    }
}

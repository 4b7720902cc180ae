using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.FlashSale.Data.Migrations
{
    /// <inheritdoc />
    public partial class Selling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ended_at",
                schema: "flashsale",
                table: "sales",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "paused",
                schema: "flashsale",
                table: "sales",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "returned",
                schema: "flashsale",
                table: "sales",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "sold",
                schema: "flashsale",
                table: "sales",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "purchases",
                schema: "flashsale",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    sale_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    user_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    shipping_address = table.Column<string>(type: "jsonb", nullable: false),
                    shipping_method = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    payment = table.Column<string>(type: "text", nullable: true),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    committed = table.Column<bool>(type: "boolean", nullable: false),
                    settled = table.Column<bool>(type: "boolean", nullable: false),
                    order_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    problem = table.Column<string>(type: "text", nullable: true),
                    window_ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchases", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "secrets",
                schema: "flashsale",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    value = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_secrets", x => x.name);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_sales_sold",
                schema: "flashsale",
                table: "sales",
                sql: "sold >= 0 AND sold + returned <= quota_held");

            migrationBuilder.CreateIndex(
                name: "ix_purchases_sale_id_customer",
                schema: "flashsale",
                table: "purchases",
                columns: new[] { "sale_id", "customer" });

            migrationBuilder.CreateIndex(
                name: "ix_purchases_sale_id_state",
                schema: "flashsale",
                table: "purchases",
                columns: new[] { "sale_id", "state" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "purchases",
                schema: "flashsale");

            migrationBuilder.DropTable(
                name: "secrets",
                schema: "flashsale");

            migrationBuilder.DropCheckConstraint(
                name: "ck_sales_sold",
                schema: "flashsale",
                table: "sales");

            migrationBuilder.DropColumn(
                name: "ended_at",
                schema: "flashsale",
                table: "sales");

            migrationBuilder.DropColumn(
                name: "paused",
                schema: "flashsale",
                table: "sales");

            migrationBuilder.DropColumn(
                name: "returned",
                schema: "flashsale",
                table: "sales");

            migrationBuilder.DropColumn(
                name: "sold",
                schema: "flashsale",
                table: "sales");
        }
    }
}

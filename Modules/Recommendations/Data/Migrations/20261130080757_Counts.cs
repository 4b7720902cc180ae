using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Recommendations.Data.Migrations
{
    /// <inheritdoc />
    public partial class Counts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "heavy_customers",
                schema: "recommendations",
                columns: table => new
                {
                    customer = table.Column<string>(type: "character varying(330)", maxLength: 330, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_heavy_customers", x => x.customer);
                });

            migrationBuilder.CreateTable(
                name: "product_buyers",
                schema: "recommendations",
                columns: table => new
                {
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    buyers = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_buyers", x => x.sku);
                });

            migrationBuilder.CreateTable(
                name: "totals",
                schema: "recommendations",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    customers = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_totals", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "heavy_customers",
                schema: "recommendations");

            migrationBuilder.DropTable(
                name: "product_buyers",
                schema: "recommendations");

            migrationBuilder.DropTable(
                name: "totals",
                schema: "recommendations");
        }
    }
}

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
            // A store upgraded from before these tables counts its current copy of the history now
            // (with the default limit of 200 products a customer), so a refresh before the next
            // rebuild scores with real counts.
            migrationBuilder.Sql("""
                INSERT INTO recommendations.heavy_customers (customer)
                    SELECT customer FROM recommendations.purchases GROUP BY customer HAVING count(DISTINCT sku) > 200;
                INSERT INTO recommendations.product_buyers (sku, buyers)
                    SELECT sku, count(DISTINCT customer) FROM recommendations.purchases p
                    WHERE NOT EXISTS (SELECT 1 FROM recommendations.heavy_customers h WHERE h.customer = p.customer)
                    GROUP BY sku;
                INSERT INTO recommendations.totals (id, customers)
                    SELECT 1, count(DISTINCT customer) FROM recommendations.purchases p
                    WHERE NOT EXISTS (SELECT 1 FROM recommendations.heavy_customers h WHERE h.customer = p.customer);
                """);
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

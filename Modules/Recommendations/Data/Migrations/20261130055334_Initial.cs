using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Storefront.Recommendations.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "recommendations");

            // Dunning's log-likelihood ratio of a 2×2 table of counts (k11: both, k12: only the first,
            // k21: only the second, k22: neither), as Mahout computes it: 2 (H(rows) + H(columns) - H(matrix)),
            // with H written out in x·ln x terms. Zero for a table that chance explains exactly.
            migrationBuilder.Sql("""
                CREATE FUNCTION recommendations.xlogx(x double precision) RETURNS double precision
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN x <= 0 THEN 0 ELSE x * ln(x) END $$;
                CREATE FUNCTION recommendations.llr(k11 double precision, k12 double precision, k21 double precision, k22 double precision)
                RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT greatest(0, 2 * (
                          (recommendations.xlogx(k11 + k12 + k21 + k22) - recommendations.xlogx(k11 + k12) - recommendations.xlogx(k21 + k22))
                        + (recommendations.xlogx(k11 + k12 + k21 + k22) - recommendations.xlogx(k11 + k21) - recommendations.xlogx(k12 + k22))
                        - (recommendations.xlogx(k11 + k12 + k21 + k22) - recommendations.xlogx(k11) - recommendations.xlogx(k12)
                           - recommendations.xlogx(k21) - recommendations.xlogx(k22))))
                $$;
                """);

            migrationBuilder.CreateTable(
                name: "co_purchases",
                schema: "recommendations",
                columns: table => new
                {
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    other_sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: false),
                    together = table.Column<int>(type: "integer", nullable: false),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_co_purchases", x => new { x.sku, x.rank });
                });

            migrationBuilder.CreateTable(
                name: "purchases",
                schema: "recommendations",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    customer = table.Column<string>(type: "character varying(330)", maxLength: 330, nullable: false),
                    placed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchases", x => new { x.order_id, x.sku });
                });

            migrationBuilder.CreateTable(
                name: "runs",
                schema: "recommendations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    orders = table.Column<int>(type: "integer", nullable: false),
                    lines = table.Column<int>(type: "integer", nullable: false),
                    customers = table.Column<int>(type: "integer", nullable: false),
                    products = table.Column<int>(type: "integer", nullable: false),
                    pairs_kept = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_runs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_purchases_customer_sku",
                schema: "recommendations",
                table: "purchases",
                columns: new[] { "customer", "sku" });

            migrationBuilder.CreateIndex(
                name: "ix_purchases_sku",
                schema: "recommendations",
                table: "purchases",
                column: "sku");

            migrationBuilder.CreateIndex(
                name: "ix_runs_started_at",
                schema: "recommendations",
                table: "runs",
                column: "started_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION recommendations.llr(double precision, double precision, double precision, double precision); DROP FUNCTION recommendations.xlogx(double precision);");
            migrationBuilder.DropTable(
                name: "co_purchases",
                schema: "recommendations");

            migrationBuilder.DropTable(
                name: "purchases",
                schema: "recommendations");

            migrationBuilder.DropTable(
                name: "runs",
                schema: "recommendations");
        }
    }
}

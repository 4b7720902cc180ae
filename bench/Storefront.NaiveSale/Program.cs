using Npgsql;

// The naive flash sale, a reference for bench/flash-sale.sh (not product code): every purchase
// attempt is one conditional UPDATE of a stock row in PostgreSQL, so every attempt reaches the
// database and, while units last, all of them queue on that row's lock.
//   POST /purchase/{sku}   200 when a unit was taken, 409 when none is left
// ConnectionStrings__Postgres names the database; the table naive_sale.stock is made on start.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectionString = builder.Configuration.GetConnectionString("Postgres")
    ?? throw new InvalidOperationException("ConnectionStrings__Postgres is not set.");
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
var app = builder.Build();

await using (var setup = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
    "CREATE SCHEMA IF NOT EXISTS naive_sale; CREATE TABLE IF NOT EXISTS naive_sale.stock (sku text PRIMARY KEY, on_hand integer NOT NULL CHECK (on_hand >= 0))"))
    await setup.ExecuteNonQueryAsync();

app.MapPost("/purchase/{sku}", async (string sku, NpgsqlDataSource db, CancellationToken ct) =>
{
    await using var take = db.CreateCommand("UPDATE naive_sale.stock SET on_hand = on_hand - 1 WHERE sku = $1 AND on_hand > 0");
    take.Parameters.Add(new NpgsqlParameter { Value = sku });
    return await take.ExecuteNonQueryAsync(ct) == 1
        ? Results.Ok(new { sold = true })
        : Results.Problem("Sold out.", statusCode: StatusCodes.Status409Conflict, title: "Sold out");
});
app.MapGet("/health/live", () => "Healthy");

app.Run();

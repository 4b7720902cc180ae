using System.Globalization;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Seeding;

/// <summary>A product as the order generator sees it.</summary>
internal sealed record DemoProduct(string Sku, string Title, decimal Price, string Currency, string Category);

/// <summary>
/// A deterministic order history with structure to find: each camera is bought with its own two
/// memory cards and a bag, each laptop with its own mice, each tent with its own sleeping bags; a few
/// chargers are put in a third of all baskets whatever else is in them (the best-sellers that a naive
/// count recommends everywhere); the rest are one to three products picked at random, popular ones
/// more often. Customers come back (about three orders each), and guests are known by e-mail.
/// </summary>
internal static class DemoOrders
{
    public const string Cameras = "Mirrorless Cameras", Cards = "Memory Cards", Bags = "Camera Bags", Laptops = "Laptops",
        Mice = "Keyboards & Mice", Tents = "Tents", SleepingBags = "Sleeping Bags", Chargers = "Chargers & Cables";

    /// <summary>How many chargers are the store's best-sellers.</summary>
    private const int BestSellers = 3;

    public static IEnumerable<OrderSeed> Generate(IReadOnlyList<DemoProduct> products, int count, DateTimeOffset now, int seed = 4242)
    {
        var rng = new Random(seed);
        var byCategory = products.GroupBy(p => p.Category).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Sku, StringComparer.Ordinal).ToArray());
        DemoProduct[] Of(string category) => byCategory.GetValueOrDefault(category) ?? [];
        var (cameras, cards, bags, laptops, tents, sleepingBags, chargers) =
            (Of(Cameras), Of(Cards), Of(Bags), Of(Laptops), Of(Tents), Of(SleepingBags), Of(Chargers));
        var mice = Of(Mice).Where(p => p.Title.Contains("Mouse", StringComparison.Ordinal)).ToArray();
        var everything = products.OrderBy(p => p.Sku, StringComparer.Ordinal).ToArray();
        if (everything.Length == 0) yield break;
        var customers = Math.Max(1, count / 3);

        // Popular products come up more often: the square of a uniform number leans to the front.
        DemoProduct Popular(DemoProduct[] from) => from[(int)(from.Length * Math.Pow(rng.NextDouble(), 2))];
        // A product's own complements: a fixed few, by its position.
        DemoProduct Own(DemoProduct[] from, DemoProduct[] complements, DemoProduct product, int which) =>
            complements[(Array.IndexOf(from, product) * 2 + which) % complements.Length];

        for (var i = 0; i < count; i++)
        {
            var basket = new List<DemoProduct>(4);
            var mission = rng.NextDouble();
            if (mission < 0.14 && cameras.Length > 0)
            {
                var camera = Popular(cameras);
                basket.Add(camera);
                if (cards.Length > 0 && rng.NextDouble() < 0.7) basket.Add(Own(cameras, cards, camera, rng.Next(2)));
                if (bags.Length > 0 && rng.NextDouble() < 0.5) basket.Add(Own(cameras, bags, camera, 0));
            }
            else if (mission < 0.28 && laptops.Length > 0)
            {
                var laptop = Popular(laptops);
                basket.Add(laptop);
                if (mice.Length > 0 && rng.NextDouble() < 0.7) basket.Add(Own(laptops, mice, laptop, rng.Next(2)));
            }
            else if (mission < 0.40 && tents.Length > 0)
            {
                var tent = Popular(tents);
                basket.Add(tent);
                if (sleepingBags.Length > 0 && rng.NextDouble() < 0.7) basket.Add(Own(tents, sleepingBags, tent, rng.Next(2)));
            }
            else
            {
                for (var n = 1 + rng.Next(3); n > 0; n--) basket.Add(Popular(everything));
            }
            if (chargers.Length > 0 && rng.NextDouble() < 0.33) basket.Add(chargers[rng.Next(Math.Min(BestSellers, chargers.Length))]);

            var customer = (int)(customers * Math.Pow(rng.NextDouble(), 1.3));
            var placed = now.AddMinutes(-rng.Next(10, 60 * 24 * 360));
            var lines = basket.DistinctBy(p => p.Sku).Select(p => new OrderSeedLine(p.Sku, p.Title, p.Price, rng.NextDouble() < 0.9 ? 1 : 2)).ToList();
            yield return new OrderSeed($"D{(i + 1).ToString("D7", CultureInfo.InvariantCulture)}",
                $"customer{customer.ToString(CultureInfo.InvariantCulture)}@demo.example", placed, basket[0].Currency, lines);
        }
    }
}

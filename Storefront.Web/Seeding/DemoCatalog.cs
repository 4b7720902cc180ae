using System.Globalization;
using Storefront.BuildingBlocks;
using Storefront.Catalog.Contracts;
using Storefront.Web.Infrastructure;

namespace Storefront.Web.Seeding;

/// <summary>
/// A deterministic, realistic demo catalog: a category tree three levels deep with per-category
/// attributes, invented brands, titles built from what each product is, prices, stock levels
/// (some low, some sold out), reviews and locally generated SVG images.
/// </summary>
internal static class DemoCatalog
{
    private static AttributeDefinition Choice(string key, string label, params string[] options) => new(key, label, AttributeKind.Choice, options);

    private static readonly string[] Colors = ["Black", "White", "Silver", "Blue", "Red", "Green", "Graphite", "Rose"];
    private static readonly string[] Sizes = ["XS", "S", "M", "L", "XL", "XXL"];

    /// <summary>A leaf category and how its products are made up.</summary>
    private sealed record Leaf(
        string Key, string Name, string Parent, AttributeDefinition[] Attributes,
        string[] Brands, string[] Nouns, string[] Series, decimal MinPrice, decimal MaxPrice, string Blurb);

    private static readonly (string Key, string Name, string? Parent)[] Branches =
    [
        ("electronics", "Electronics", null),
        ("phones", "Phones", "electronics"),
        ("audio", "Audio", "electronics"),
        ("computers", "Computers", "electronics"),
        ("cameras", "Cameras", "electronics"),
        ("clothing", "Clothing & Shoes", null),
        ("men", "Men", "clothing"),
        ("women", "Women", "clothing"),
        ("home", "Home & Kitchen", null),
        ("kitchen", "Kitchen", "home"),
        ("furniture", "Furniture", "home"),
        ("sports", "Sports & Outdoors", null),
        ("fitness", "Fitness", "sports"),
        ("camping", "Camping & Hiking", "sports"),
        ("books", "Books", null),
    ];

    private static readonly Leaf[] Leaves =
    [
        new("smartphones", "Smartphones", "phones",
            [Choice("ram", "RAM", "4 GB", "6 GB", "8 GB", "12 GB"), Choice("storage", "Storage", "64 GB", "128 GB", "256 GB", "512 GB"), Choice("color", "Colour", Colors)],
            ["Novatek", "Aurion", "Helix", "Pixelon", "Zentra"], ["Smartphone"], ["Pulse", "Edge", "Nova", "Orbit", "Prime"], 149, 1299,
            "A fast, all-day phone with a bright OLED display, a dual camera that handles low light well and fast charging."),
        new("basic-phones", "Basic Phones", "phones",
            [Choice("color", "Colour", Colors), Choice("battery", "Battery life", "3 days", "7 days", "14 days")],
            ["Telvo", "Simplix", "Novatek"], ["Feature Phone", "Flip Phone"], ["Classic", "Easy", "Senior"], 19, 99,
            "A straightforward phone with big buttons, a loud speaker and a battery that lasts for days."),
        new("headphones", "Headphones", "audio",
            [Choice("type", "Type", "Over-ear", "On-ear", "In-ear"), Choice("connectivity", "Connectivity", "Bluetooth", "Wired"), Choice("noise_cancelling", "Noise cancelling", "Yes", "No"), Choice("color", "Colour", Colors)],
            ["Auralis", "Sonique", "Basswave", "Kestrel Audio", "Lumen"], ["Headphones", "Earbuds", "Headset"], ["Studio", "Quiet", "Air", "Sport", "Loop"], 15, 449,
            "Clear, balanced sound with deep bass, soft cushions for long sessions and a battery that outlasts your commute."),
        new("speakers", "Speakers", "audio",
            [Choice("connectivity", "Connectivity", "Bluetooth", "Wi-Fi", "Wired"), Choice("waterproof", "Waterproof", "Yes", "No"), Choice("color", "Colour", Colors)],
            ["Auralis", "Basswave", "Sonique", "Roam"], ["Portable Speaker", "Smart Speaker", "Soundbar"], ["Boom", "Cube", "Wave", "Arc"], 25, 699,
            "Room-filling sound from a compact speaker, with a rugged shell and easy pairing."),
        new("laptops", "Laptops", "computers",
            [Choice("ram", "RAM", "8 GB", "16 GB", "32 GB", "64 GB"), Choice("storage", "Storage", "256 GB SSD", "512 GB SSD", "1 TB SSD", "2 TB SSD"), Choice("screen", "Screen size", "13 in", "14 in", "15.6 in", "16 in")],
            ["Corvex", "Lumina", "Helix", "Stratos", "Arcline"], ["Laptop", "Ultrabook", "Gaming Laptop"], ["Book", "Air", "Pro", "Blade", "Flex"], 399, 3499,
            "A thin, quiet laptop with a sharp display, a comfortable keyboard and enough power for work and play."),
        new("monitors", "Monitors", "computers",
            [Choice("screen", "Screen size", "24 in", "27 in", "32 in", "34 in"), Choice("resolution", "Resolution", "1080p", "1440p", "4K")],
            ["Lumina", "Viewmark", "Stratos"], ["Monitor", "Curved Monitor"], ["Clear", "Vista", "Ultra"], 119, 1199,
            "Accurate colours, thin bezels and a stand that tilts, swivels and adjusts in height."),
        new("keyboards", "Keyboards & Mice", "computers",
            [Choice("connectivity", "Connectivity", "Bluetooth", "Wired", "2.4 GHz wireless"), Choice("layout", "Layout", "Full size", "Tenkeyless", "Compact")],
            ["Keyforge", "Corvex", "Tactile"], ["Mechanical Keyboard", "Wireless Mouse", "Keyboard and Mouse Set"], ["K", "M", "Pro"], 19, 229,
            "Precise and quiet, with keys that feel good after a full day of typing."),
        new("cameras-mirrorless", "Mirrorless Cameras", "cameras",
            [Choice("sensor", "Sensor", "Full frame", "APS-C", "Micro Four Thirds"), Choice("megapixels", "Resolution", "20 MP", "24 MP", "33 MP", "45 MP")],
            ["Optika", "Lumix Pro", "Fenwick"], ["Mirrorless Camera", "Camera Kit"], ["Alpha", "Z", "X"], 499, 3999,
            "Fast autofocus that tracks eyes and subjects, in-body stabilisation and 4K video."),
        new("men-shirts", "Men's Shirts", "men",
            [Choice("size", "Size", Sizes), Choice("color", "Colour", Colors), Choice("material", "Material", "Cotton", "Linen", "Polyester blend")],
            ["Harbor & Co", "Northwind", "Ashby", "Foundry"], ["Oxford Shirt", "Polo Shirt", "Flannel Shirt", "T-Shirt"], ["Classic", "Slim", "Everyday", "Weekend"], 12, 89,
            "Soft, breathable fabric with a tailored fit that keeps its shape wash after wash."),
        new("men-jeans", "Men's Jeans", "men",
            [Choice("waist", "Waist", "30", "32", "34", "36", "38"), Choice("fit", "Fit", "Slim", "Straight", "Relaxed"), Choice("color", "Colour", "Indigo", "Black", "Light wash")],
            ["Foundry", "Denimworks", "Northwind"], ["Jeans", "Chinos"], ["501", "Rider", "Tapered"], 29, 149,
            "Durable denim with a little stretch, cut for comfort from morning to night."),
        new("men-shoes", "Men's Shoes", "men",
            [Choice("shoe_size", "Shoe size", "7", "8", "9", "10", "11", "12", "13"), Choice("color", "Colour", Colors)],
            ["Stride", "Trailhead", "Ashby"], ["Running Shoe", "Sneaker", "Leather Boot"], ["Glide", "Trail", "City"], 39, 229,
            "Cushioned, supportive and light, with a grippy sole for every surface."),
        new("women-dresses", "Women's Dresses", "women",
            [Choice("size", "Size", Sizes), Choice("color", "Colour", Colors), Choice("length", "Length", "Mini", "Midi", "Maxi")],
            ["Maren", "Lune", "Harbor & Co"], ["Wrap Dress", "Shirt Dress", "Summer Dress"], ["Riviera", "Garden", "Soiree"], 25, 199,
            "Flowing fabric and a flattering cut that works from the office to dinner."),
        new("women-tops", "Women's Tops", "women",
            [Choice("size", "Size", Sizes), Choice("color", "Colour", Colors), Choice("material", "Material", "Cotton", "Silk", "Viscose")],
            ["Maren", "Lune", "Northwind"], ["Blouse", "Knit Top", "T-Shirt"], ["Easy", "Fine", "Daily"], 12, 119,
            "A light, easy top with clean lines, made to layer or wear on its own."),
        new("women-shoes", "Women's Shoes", "women",
            [Choice("shoe_size", "Shoe size", "5", "6", "7", "8", "9", "10"), Choice("color", "Colour", Colors)],
            ["Stride", "Lune", "Trailhead"], ["Running Shoe", "Ankle Boot", "Flat"], ["Glide", "Soft", "Urban"], 35, 249,
            "All-day comfort with a cushioned insole and a sole that grips in the wet."),
        new("cookware", "Cookware", "kitchen",
            [Choice("material", "Material", "Stainless steel", "Cast iron", "Non-stick aluminium"), Choice("pieces", "Pieces", "1", "3", "5", "10")],
            ["Hearth", "Copperline", "Casa Chef"], ["Frying Pan", "Saucepan Set", "Dutch Oven", "Wok"], ["Pro", "Classic", "Everyday"], 19, 399,
            "Even heating, riveted handles that stay cool, and dishwasher safe."),
        new("small-appliances", "Small Appliances", "kitchen",
            [Choice("color", "Colour", Colors), Choice("wattage", "Power", "600 W", "1000 W", "1500 W", "2000 W")],
            ["Casa Chef", "Brewline", "Hearth"], ["Coffee Maker", "Blender", "Kettle", "Toaster", "Air Fryer"], ["Brew", "Crisp", "Swift"], 19, 499,
            "Does one job brilliantly: quick, quiet and easy to clean."),
        new("desks", "Desks", "furniture",
            [Choice("material", "Material", "Oak", "Walnut", "Steel and laminate"), Choice("adjustable", "Height adjustable", "Yes", "No")],
            ["Oakline", "Workform", "Nordhus"], ["Standing Desk", "Writing Desk", "Corner Desk"], ["Studio", "Loft", "Atelier"], 99, 1299,
            "A sturdy desk with cable management and room for two screens."),
        new("chairs", "Chairs", "furniture",
            [Choice("material", "Material", "Mesh", "Leather", "Fabric"), Choice("color", "Colour", Colors)],
            ["Workform", "Nordhus", "Oakline"], ["Office Chair", "Dining Chair", "Lounge Chair"], ["Ergo", "Nest", "Form"], 49, 999,
            "Supportive and adjustable, with lumbar support for long days."),
        new("yoga", "Yoga & Pilates", "fitness",
            [Choice("thickness", "Thickness", "3 mm", "5 mm", "8 mm"), Choice("color", "Colour", Colors)],
            ["Zenfit", "Corepath", "Balance"], ["Yoga Mat", "Yoga Block Set", "Pilates Ring"], ["Flow", "Grip", "Studio"], 9, 129,
            "Non-slip, cushioned and light enough to carry to class."),
        new("weights", "Weights", "fitness",
            [Choice("weight", "Weight", "2 kg", "5 kg", "10 kg", "20 kg", "32 kg")],
            ["Ironclad", "Corepath", "Forge"], ["Dumbbell Pair", "Kettlebell", "Adjustable Dumbbell"], ["Pro", "Home", "Power"], 19, 499,
            "Solid, knurled grips and a finish that protects your floor."),
        new("tents", "Tents", "camping",
            [Choice("capacity", "Capacity", "1 person", "2 people", "4 people", "6 people"), Choice("season", "Season", "3-season", "4-season")],
            ["Summit", "Trailhead", "Northface Gear"], ["Backpacking Tent", "Family Tent", "Dome Tent"], ["Ridge", "Basecamp", "Lite"], 59, 899,
            "Pitches in minutes, sheds rain and wind, and packs down small."),
        new("backpacks", "Backpacks", "camping",
            [Choice("volume", "Volume", "20 L", "35 L", "50 L", "65 L"), Choice("color", "Colour", Colors)],
            ["Summit", "Roam", "Trailhead"], ["Hiking Backpack", "Daypack", "Travel Pack"], ["Ridge", "Trek", "Voyager"], 29, 349,
            "A ventilated back panel, padded hip belt and pockets where you need them."),
        new("fiction", "Fiction", "books",
            [Choice("format", "Format", "Hardcover", "Paperback", "E-book"), Choice("language", "Language", "English", "Spanish", "French")],
            ["Harrow Press", "Blue Door Books", "Lantern"], ["Novel", "Thriller", "Short Stories"], ["The Quiet", "A Winter", "The Last", "Beyond the"], 6, 39,
            "A gripping, beautifully written story that readers could not put down."),
        new("non-fiction", "Non-fiction", "books",
            [Choice("format", "Format", "Hardcover", "Paperback", "E-book"), Choice("language", "Language", "English", "Spanish", "French")],
            ["Harrow Press", "Lantern", "Meridian"], ["Cookbook", "Biography", "History", "Field Guide"], ["The Complete", "A Short", "The Art of"], 8, 59,
            "Clear, well researched and full of ideas you will come back to."),
        // Accessories: what the demo order history buys with cameras, tents and phones.
        new("memory-cards", "Memory Cards", "cameras",
            [Choice("capacity", "Capacity", "64 GB", "128 GB", "256 GB", "512 GB"), Choice("speed", "Speed class", "V30", "V60", "V90")],
            ["Optika", "Storix", "Fenwick"], ["SD Memory Card", "CFexpress Card"], ["Swift", "Pro", "Extreme"], 12, 189,
            "Fast, reliable storage that keeps up with burst shooting and 4K video."),
        new("camera-bags", "Camera Bags", "cameras",
            [Choice("style", "Style", "Shoulder bag", "Backpack", "Sling"), Choice("color", "Colour", Colors)],
            ["Fenwick", "Trailmark", "Optika"], ["Camera Bag", "Camera Backpack"], ["Urban", "Field", "Compact"], 29, 249,
            "Padded, weather-resistant and quick to open, with room for a body, two lenses and the rest."),
        new("sleeping-bags", "Sleeping Bags", "camping",
            [Choice("season", "Season", "Summer", "3-season", "Winter"), Choice("fill", "Fill", "Down", "Synthetic")],
            ["Summit", "Trailmark", "Northwind"], ["Sleeping Bag", "Quilt"], ["Ridge", "Alpine", "Drift"], 39, 399,
            "Warm and light, packs down small and zips open into a quilt on warm nights."),
        new("chargers", "Chargers & Cables", "phones",
            [Choice("power", "Power", "20 W", "30 W", "65 W"), Choice("connector", "Connector", "USB-C", "Lightning", "USB-A")],
            ["Voltix", "Novatek", "Chargeon"], ["USB-C Charger", "Charging Cable", "Power Bank"], ["Fast", "Go", "Duo"], 9, 69,
            "Charges quickly and safely, with a braided cable that survives the bottom of a bag."),
    ];

    /// <summary>The name of the demo catalog's leaf category with this key, or null when it has none.</summary>
    public static string? CategoryName(string key) => LeafNames.GetValueOrDefault(key);

    private static readonly Dictionary<string, string> LeafNames = Leaves.ToDictionary(l => l.Key, l => l.Name, StringComparer.Ordinal);

    /// <summary>The leaf category key of each of the first <paramref name="count"/> products (they go round the leaves in turn).</summary>
    public static string LeafOf(int index) => Leaves[index % Leaves.Length].Key;

    private static readonly string[] Adjectives = ["Essential", "Plus", "Max", "Lite", "Pro", "Classic", "Signature", "Select", "Elite", "Go"];
    private static readonly string[] ReviewTitles5 = ["Love it", "Exactly as described", "Best purchase this year", "Excellent quality", "Highly recommend"];
    private static readonly string[] ReviewTitles4 = ["Very good", "Great value", "Happy with it", "Solid choice", "Does the job well"];
    private static readonly string[] ReviewTitles3 = ["It's okay", "Average", "Some good, some bad", "Decent for the price"];
    private static readonly string[] ReviewTitles2 = ["Disappointed", "Not great", "Expected more"];
    private static readonly string[] ReviewTitles1 = ["Stopped working", "Would not buy again", "Poor quality"];
    // What a review says agrees with its stars.
    private static readonly string[] GoodReviewBodies =
    [
        "Arrived quickly and well packed. I have used it every day since and it still feels new.",
        "Build quality is better than I expected for the price. Setup took a couple of minutes.",
        "Bought this as a gift and they loved it. Will probably get another one for myself.",
        "Great value. Compared it with two others and this one was the clear winner.",
        "Comfortable and well designed. The instructions could be clearer.",
    ];
    private static readonly string[] MixedReviewBodies =
    [
        "Does what it says. I would have liked more colour options but no real complaints.",
        "After a month of use I noticed some wear, but customer service sorted it out quickly.",
        "Fine for the price. Nothing special, nothing wrong.",
    ];
    private static readonly string[] PoorReviewBodies =
    [
        "Not quite what I hoped for; it works, but feels cheaper than the photos suggest.",
        "Stopped working properly after a few weeks. The replacement was better.",
        "Smaller and flimsier than it looks. I sent it back.",
    ];
    private static readonly string[] Authors = ["Alex P.", "Sam K.", "Jordan M.", "Priya S.", "Chen L.", "Maria G.", "Tom B.", "Aisha R.", "Lukas W.", "Emma D.", "Noah F.", "Yuki T."];

    public static IReadOnlyList<CategorySeed> Categories()
    {
        var seeds = Branches.Select(b => new CategorySeed(b.Key, b.Name, b.Parent, [])).ToList();
        seeds.AddRange(Leaves.Select(l => new CategorySeed(l.Key, l.Name, l.Parent, l.Attributes)));
        return seeds;
    }

    /// <summary>Products spread over the leaves in turn; the same count and seed give the same catalog.</summary>
    public static IEnumerable<ProductSeed> Products(IReadOnlyDictionary<string, int> categoryIds, int count, DateTimeOffset now,
        string currency = StoreCurrencyOptions.Default, int seed = 20241, int maxReviews = 12)
    {
        var rng = new Random(seed);
        var inv = CultureInfo.InvariantCulture;
        for (var i = 0; i < count; i++)
        {
            var leaf = Leaves[i % Leaves.Length];
            var brand = leaf.Brands[rng.Next(leaf.Brands.Length)];
            var noun = leaf.Nouns[rng.Next(leaf.Nouns.Length)];
            var series = leaf.Series[rng.Next(leaf.Series.Length)];
            var attributes = leaf.Attributes.ToDictionary(a => a.Key, a => a.Options[rng.Next(a.Options.Count)]);
            var model = rng.Next(3) switch
            {
                0 => $"{series} {rng.Next(2, 12).ToString(inv)}",
                1 => $"{series} {Adjectives[rng.Next(Adjectives.Length)]}",
                _ => $"{series} {(char)('A' + rng.Next(26))}{rng.Next(10, 99).ToString(inv)}",
            };
            var detail = string.Join(", ", leaf.Attributes.Take(2).Select(a => a.Key == "color" ? attributes[a.Key] : $"{attributes[a.Key]}{(a.Key is "ram" ? " RAM" : "")}"));
            var title = $"{brand} {model} {noun}" + (detail.Length > 0 ? $", {detail}" : "");
            var number = (i + 1).ToString("D7", inv);
            var sku = $"SF-{number}";
            var slug = $"{Slugify(brand)}-{Slugify(model)}-{Slugify(noun)}-{number}";
            var hue = rng.Next(360);
            var imageCount = 1 + rng.Next(3);
            var images = Enumerable.Range(1, imageCount)
                .Select(n => new ProductImage(DemoPictures.Address(leaf.Key, hue, n),
                    n == 1 ? $"{title}" : $"{title}, view {n.ToString(inv)}"))
                .ToList();
            var price = Math.Round(leaf.MinPrice + (decimal)Math.Pow(rng.NextDouble(), 2) * (leaf.MaxPrice - leaf.MinPrice), 0) - 0.01m;
            if (price <= 0) price = 0.99m;
            var stockRoll = rng.Next(100);
            var onHand = stockRoll switch { < 6 => 0, < 16 => rng.Next(1, 6), _ => rng.Next(6, 400) };
            var quality = rng.NextDouble();
            var reviews = Enumerable.Range(0, rng.Next(maxReviews + 1)).Select(_ =>
            {
                var rating = Math.Clamp((int)Math.Round(2.5 + quality * 2.5 + (rng.NextDouble() - 0.5) * 2), 1, 5);
                var titles = rating switch { 5 => ReviewTitles5, 4 => ReviewTitles4, 3 => ReviewTitles3, 2 => ReviewTitles2, _ => ReviewTitles1 };
                var bodies = rating switch { >= 4 => GoodReviewBodies, 3 => MixedReviewBodies, _ => PoorReviewBodies };
                return new ReviewSeed(rating, titles[rng.Next(titles.Length)], bodies[rng.Next(bodies.Length)],
                    Authors[rng.Next(Authors.Length)], now.AddMinutes(-rng.Next(1, 60 * 24 * 300)));
            }).ToList();
            var description = $"{leaf.Blurb} The {brand} {model} comes with a two-year warranty. " +
                string.Join(" ", leaf.Attributes.Select(a => $"{a.Label}: {attributes[a.Key]}."));
            yield return new ProductSeed(Guid.CreateVersion7(now.AddSeconds(-i)), sku, slug, title, description, brand,
                categoryIds[leaf.Key], attributes, images, reviews, now.AddMinutes(-rng.Next(0, 60 * 24 * 365)).AddSeconds(-i),
                price, currency, onHand);
        }
    }

    private static string Slugify(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }
}

using Storefront.BuildingBlocks.Email;

namespace Storefront.Tests.Rules;

/// <summary>What the store accepts as a deliverable e-mail address.</summary>
public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("  ada@example.com  ")]
    [InlineData("ada.lovelace+orders@mail.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("ada@xn--bcher-kva.example")]
    [InlineData("ada@bücher.de")]
    [InlineData("ada@sub-domain.example.org")]
    public void Ordinary_addresses_are_deliverable(string address) => Assert.True(EmailAddress.IsDeliverable(address));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ada")]
    [InlineData("ada@")]
    [InlineData("@example.com")]
    [InlineData("ada@example")]
    [InlineData("ada@.com")]
    [InlineData("ada@example.")]
    [InlineData("ada@-example.com")]
    [InlineData("ada@example-.com")]
    [InlineData("ada@example.c")]
    [InlineData("ada@example.123")]
    [InlineData("ada@exa_mple.com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@example.com, bob@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("ada@exam\tple.com")]
    [InlineData("ada\r\n@example.com")]
    public void Malformed_or_undeliverable_addresses_are_refused(string? address) => Assert.False(EmailAddress.IsDeliverable(address));

    [Fact]
    public void The_local_part_and_the_whole_address_have_length_limits()
    {
        Assert.True(EmailAddress.IsDeliverable(new string('a', 64) + "@example.com"));
        Assert.False(EmailAddress.IsDeliverable(new string('a', 65) + "@example.com"));
        Assert.False(EmailAddress.IsDeliverable("a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".com"));
        Assert.False(EmailAddress.IsDeliverable("a@" + new string('b', 64) + ".com"));
    }
}

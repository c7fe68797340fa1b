using System.Globalization;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Integration;

/// <summary>Why a parcel could not be priced: the rule, the values involved, and the field that decided it.</summary>
public sealed record PricingFailure(string Details, string? Parameter);

/// <summary>
/// Prices a parcel under a rate card. Pure: (card, zone, package) -> a price or why there is none.
/// Billable weight: the greater of the actual weight and the volumetric weight (length x width x height in cm divided by
/// the card's divisor), rounded up to the next 0.01 kg. Amounts are rounded to 2 decimals, half away from zero.
/// </summary>
public static class Pricing
{
    public const string RateNotAvailable = "RATE_NOT_AVAILABLE";

    public static (ShipmentPrice? Price, PricingFailure? Failure) Quote(RateCard card, string zoneId, PackageInformation package)
    {
        var rate = card.RateFor(zoneId);
        if (rate is null || rate.Bands.Count == 0)
        {
            return (null, new($"Rate card version {card.Version} has no prices for zone {zoneId}.", "recipientLocation.postalCode"));
        }

        var d = package.Dimensions;
        var volumetric = UpToHundredth(d.Length * d.Width * d.Height / card.VolumetricDivisor);
        var billable = Math.Max(UpToHundredth(package.Weight), volumetric);
        var shipping = ShippingPrice(rate, billable);
        if (shipping is null)
        {
            var last = rate.Bands[^1].UpToKg;
            return (null, new(
                $"The billable weight is {N(billable)} kg (actual {N(package.Weight)} kg, volumetric {N(volumetric)} kg = length x width x height / {N(card.VolumetricDivisor)}); " +
                $"rate card version {card.Version} prices zone {zoneId} up to {N(last)} kg.",
                billable > UpToHundredth(package.Weight) ? "packageInformation.dimensions" : "packageInformation.weight"));
        }

        var insurance = 0m;
        if (card.Insurance is { } terms && package.DeclaredValue is > 0 and var declared)
        {
            if (package.Currency is { } currency && !string.Equals(currency, card.Currency, StringComparison.Ordinal))
            {
                return (null, new($"declaredValue is in {currency}; rate card version {card.Version} insures values in {card.Currency}.", "packageInformation.currency"));
            }

            insurance = Math.Max(Money(declared * terms.Rate), terms.Minimum);
        }

        return (new ShipmentPrice(card.Currency, shipping.Value, insurance, shipping.Value + insurance, billable, volumetric, card.Version), null);
    }

    private static decimal? ShippingPrice(ZoneRate rate, decimal billable)
    {
        foreach (var band in rate.Bands)
        {
            if (billable <= band.UpToKg)
            {
                return band.Price;
            }
        }

        var last = rate.Bands[^1];
        return rate.ExtraKgPrice is { } perKg
            ? last.Price + decimal.Ceiling(billable - last.UpToKg) * perKg
            : null;
    }

    private static decimal UpToHundredth(decimal kg) => decimal.Ceiling(kg * 100m) / 100m;

    private static decimal Money(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

    private static string N(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

namespace Cargamos.Modular.Domain.ReferenceData;

/// <summary>The price of a parcel whose billable weight is at most <see cref="UpToKg"/> (and above the previous band's).</summary>
public sealed record WeightBand(decimal UpToKg, decimal Price);

/// <summary>
/// The prices of one zone: weight bands in ascending order; past the last band, <see cref="ExtraKgPrice"/> per started
/// kilogram is added to the last band's price (null: nothing heavier than the last band is priced).
/// </summary>
public sealed record ZoneRate(string ZoneId, IReadOnlyList<WeightBand> Bands, decimal? ExtraKgPrice = null);

/// <summary>Insurance: <see cref="Rate"/> (a share, 0.015 = 1.5 %) of the declared value, at least <see cref="Minimum"/>.</summary>
public sealed record InsuranceTerms(decimal Rate, decimal Minimum = 0);

/// <summary>
/// One version of a shipper's rate card, part of its contract. Versions are immutable: an operator's change is a new
/// version, so every price recorded on a shipment can be explained by the card it names. A card prices the zones of
/// the countries of its <see cref="Currency"/> (a shipper served in Mexico and Colombia has MXN and COP cards); for a
/// destination, the card in force at a moment is the highest version in the destination country's currency whose
/// validity covers it (<see cref="InForce"/>), so a future card can be scheduled while the current one still applies.
/// Version numbers run per shipper across currencies. Prices are exact decimals in <see cref="Currency"/>.
/// </summary>
public sealed record RateCard(
    string Id,
    string ShipperId,
    int Version,
    string Currency,
    decimal VolumetricDivisor,
    IReadOnlyList<ZoneRate> Zones,
    InsuranceTerms? Insurance,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidTo,
    DateTimeOffset CreatedAt,
    string CreatedBy)
{
    public static string IdOf(string shipperId, int version) => $"{shipperId}/{version}";

    public bool IsValidAt(DateTimeOffset moment) => moment >= ValidFrom && moment < ValidTo;

    public ZoneRate? RateFor(string zoneId) => Zones.FirstOrDefault(z => z.ZoneId == zoneId);

    /// <summary>The card that prices an order in <paramref name="currency"/> at <paramref name="moment"/>: the highest version valid then, or null.</summary>
    public static RateCard? InForce(IEnumerable<RateCard> cards, string currency, DateTimeOffset moment) =>
        cards.Where(c => c.Currency == currency && c.IsValidAt(moment)).MaxBy(c => c.Version);

    /// <summary>The currency prices are stated in for deliveries in a country Cargamos serves (mx, co, us, br).</summary>
    public static string CurrencyOf(string country) => country.ToLowerInvariant() switch
    {
        "mx" => "MXN",
        "co" => "COP",
        "us" => "USD",
        "br" => "BRL",
        _ => throw new ArgumentOutOfRangeException(nameof(country), country, "Not a country Cargamos serves."),
    };
}

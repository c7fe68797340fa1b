namespace Cargamos.Modular.Domain.Shipments;

/// <summary>
/// What a shipment costs the shipper, as quoted when it was created, in the rate card's <see cref="Currency"/>: the
/// shipping price of its billable weight (the greater of its actual and volumetric weights) in its zone, insurance on
/// its declared value, and their total. <see cref="RateCardVersion"/> names the card that priced it.
/// </summary>
public sealed record ShipmentPrice(
    string Currency,
    decimal Shipping,
    decimal Insurance,
    decimal Total,
    decimal BillableWeightKg,
    decimal VolumetricWeightKg,
    int RateCardVersion)
{
    /// <summary>An amount in minor units (cents), as VTEX wants prices: the only place a price is converted.</summary>
    public static long Cents(decimal amount) => (long)decimal.Round(amount * 100m, 0, MidpointRounding.AwayFromZero);
}

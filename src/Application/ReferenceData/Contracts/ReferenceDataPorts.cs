using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData.Contracts;

/// <summary>The coverage zones (reference data managed by operators).</summary>
public interface ICoverageCatalog
{
    /// <summary>The zone covering a postal code already normalized with <see cref="PostalCodes.Normalize"/>, or null.</summary>
    Task<CoverageZone?> FindZone(string country, string normalizedPostalCode, CancellationToken ct);

    /// <summary>The zone of a destination without a postal code, by coordinates or city (<see cref="CoverageByPlace"/>), or null.</summary>
    Task<CoverageZone?> FindZoneByPlace(string country, string? city, double? latitude, double? longitude, CancellationToken ct);

    Task<CoverageZone?> Get(string zoneId, CancellationToken ct);

    Task<IReadOnlyList<CoverageZone>> List(CancellationToken ct);

    /// <summary>Creates or replaces a zone; effective for the next lookup.</summary>
    Task Save(CoverageZone zone, CancellationToken ct);

    Task<bool> Delete(string zoneId, CancellationToken ct);
}

/// <summary>Shipper contracts (reference data managed by operators).</summary>
public interface IContractStore
{
    Task<ShipperContract?> Get(string shipperId, CancellationToken ct);

    Task Save(ShipperContract contract, CancellationToken ct);
}

/// <summary>
/// The versions of each shipper's rate card (reference data managed by operators), read from memory and invalidated on
/// every process when a version is added.
/// </summary>
public interface IRateCards
{
    /// <summary>Every version of the shipper's rate card, oldest first; empty when it has none.</summary>
    Task<IReadOnlyList<RateCard>> For(string shipperId, CancellationToken ct);

    /// <summary>Stores a new version; false when that version number was taken first (a concurrent change).</summary>
    Task<bool> Add(RateCard card, CancellationToken ct);
}

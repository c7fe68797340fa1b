using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>Rules shared by the reference-data use cases.</summary>
internal static class ReferenceDataRules
{
    /// <summary>The same words the Cargamos document uses for an unknown country.</summary>
    public static readonly string CountryPermitted =
        $"Value is not a valid enumeration member; permitted: {string.Join(", ", PostalCodes.Countries.Select(c => $"'{c}'"))}.";

    /// <summary>The endpoints already require the role; the use cases check it again so no other entry point can skip it.</summary>
    public static void EnsureOperator(this ICaller caller)
    {
        if (!caller.IsInRole(Roles.Operator))
        {
            throw AppError.Forbidden("FORBIDDEN", "Only Cargamos operators manage coverage zones and shippers.");
        }
    }

    /// <summary>
    /// The zone ids (as requested, in order) that name no stored zone, each as an INVALID_PARAMETER at
    /// <paramref name="parameter"/>(its index). Checked by the handlers: validators have no I/O.
    /// </summary>
    public static IReadOnlyList<ErrorDetail> UnknownZones(IEnumerable<string?> zoneIds, IEnumerable<CoverageZone> zones, Func<int, string> parameter)
    {
        var known = zones.Select(z => z.Id).ToHashSet(StringComparer.Ordinal);
        return zoneIds
            .Select((id, i) => (Id: id?.Trim(), Index: i))
            .Where(z => z.Id is not null && !known.Contains(z.Id))
            .Select(z => new ErrorDetail("INVALID_PARAMETER", ValidationErrors.InvalidParameterMessage,
                $"There is no coverage zone '{z.Id}' (GET /v1/admin/coverage-zones lists them).", parameter(z.Index)))
            .ToList();
    }

    public static bool IsCountry(string? country) => country is not null && PostalCodes.Countries.Contains(country.Trim().ToLowerInvariant());
}

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

    public static bool IsCountry(string? country) => country is not null && PostalCodes.Countries.Contains(country.Trim().ToLowerInvariant());
}

using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>
/// Layer 2 of integration: the information is sufficient and well formed. Every problem of the order at once,
/// each named by its dotted path. Required: what a carrier needs to find the door and reach the recipient.
/// The checks are <see cref="OrderChecks"/>, one FluentValidation rule for the whole order (ADR 007).
/// </summary>
public sealed partial class DeliveryOrderRequestValidator : AbstractValidator<DeliveryOrderRequest>
{
    public const string CountryPermitted = "Value is not a valid enumeration member; permitted: 'mx', 'co', 'us', 'br'.";

    public DeliveryOrderRequestValidator() => RuleFor(o => o).Custom((o, context) => OrderChecks.Order(o, new Findings<DeliveryOrderRequest>(context)));

    /// <summary>ISO 8601 with an explicit offset or Z; a local time without offset is ambiguous and refused.</summary>
    public static DateTimeOffset? ParseDate(string? value) =>
        value is not null && IsoWithOffset().IsMatch(value.Trim())
        && DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed
            : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoWithOffset();
}

/// <summary>
/// Where a parcel goes as far as coverage and prices are concerned: country and postal code (orders and quotes). The
/// postal code may be absent only when the validation's root context has <see cref="PostalCodeOptional"/> (a VTEX
/// service: the zone is then found by coordinates or city).
/// </summary>
public sealed class DestinationValidator : AbstractValidator<RecipientLocationRequest>
{
    public const string PostalCodeOptional = "postalCodeOptional";

    /// <summary>A validation context of <paramref name="instance"/> in which the postal code may be absent.</summary>
    public static ValidationContext<T> WithoutPostalCode<T>(T instance)
    {
        var context = new ValidationContext<T>(instance);
        context.RootContextData[PostalCodeOptional] = true;
        return context;
    }

    public DestinationValidator() => RuleFor(l => l).Custom((l, context) => OrderChecks.Destination(l, "", new Findings<RecipientLocationRequest>(context)));
}

/// <summary>An order's recipient location on its own (its destination and the address a courier needs).</summary>
public sealed class RecipientLocationValidator : AbstractValidator<RecipientLocationRequest>
{
    public RecipientLocationValidator() => RuleFor(l => l).Custom((l, context) => OrderChecks.Location(l, "", new Findings<RecipientLocationRequest>(context)));
}

/// <summary>An order's recipient on their own.</summary>
public sealed class RecipientInformationValidator : AbstractValidator<RecipientInformationRequest>
{
    public RecipientInformationValidator() => RuleFor(r => r).Custom((r, context) => OrderChecks.Recipient(r, "", new Findings<RecipientInformationRequest>(context)));
}

/// <summary>An order's package on its own (orders and quotes).</summary>
public sealed class PackageInformationValidator : AbstractValidator<PackageInformationRequest>
{
    public PackageInformationValidator() => RuleFor(p => p).Custom((p, context) => OrderChecks.Package(p, "", new Findings<PackageInformationRequest>(context)));
}

/// <summary>A package's Carta Porte complement on its own.</summary>
public sealed class CartaPorteValidator : AbstractValidator<CartaPorteRequest>
{
    public CartaPorteValidator() => RuleFor(c => c).Custom((c, context) => OrderChecks.CartaPorte(c, "", new Findings<CartaPorteRequest>(context)));
}

/// <summary>
/// Where <see cref="OrderChecks"/> report: failures of the validation's context, their paths under the context's own
/// (a validator used for a member, e.g. a quote's destination, names its failures under that member).
/// </summary>
public readonly struct Findings<T>(ValidationContext<T> context)
{
    public bool PostalCodeOptional => context.RootContextData.ContainsKey(DestinationValidator.PostalCodeOptional);

    public void Missing(string path, string message) => Add(path, message, ValidationErrors.MissingCode);

    public void Invalid(string path, string message) => Add(path, message, "INVALID_PARAMETER");

    private void Add(string path, string message, string code) =>
        context.AddFailure(new ValidationFailure(context.PropertyChain.BuildPropertyPath(path), message) { ErrorCode = code });
}

/// <summary>
/// The checks of a delivery order, written out: one pass over the order, nothing allocated when it is valid (a
/// FluentValidation rule per check cost 6 us and 9.6 KB per order, 40% of a spreadsheet row's allocations; ADR 007).
/// Each check reports the property path (<c>RecipientLocation.State</c>), the message and whether the value is missing
/// or invalid, in the order of the order's fields. <c>at</c> is the path of the object checked, ending with a dot, or
/// empty when it is the validated object itself.
/// </summary>
public static partial class OrderChecks
{
    public static void Order<T>(DeliveryOrderRequest o, Findings<T> f)
    {
        if (o.RecipientLocation is null)
        {
            f.Missing("RecipientLocation", "recipientLocation is required.");
        }
        else
        {
            Location(o.RecipientLocation, "RecipientLocation.", f);
        }

        if (o.RecipientInformation is null)
        {
            f.Missing("RecipientInformation", "recipientInformation is required.");
        }
        else
        {
            Recipient(o.RecipientInformation, "RecipientInformation.", f);
        }

        if (o.PackageInformation is null)
        {
            f.Missing("PackageInformation", "packageInformation is required.");
        }
        else
        {
            Package(o.PackageInformation, "PackageInformation.", f);
            if (o.PackageInformation.CartaPorte is null && string.Equals(o.RecipientLocation?.Country?.Trim(), "mx", StringComparison.OrdinalIgnoreCase))
            {
                f.Missing("PackageInformation.CartaPorte", "cartaPorte is required for deliveries in Mexico (SAT Carta Porte complement).");
            }
        }

        Date(o.ShipperDropoffDate, "ShipperDropoffDate", "shipperDropoffDate", f);
        Date(o.ExpectedDeliveryDate, "ExpectedDeliveryDate", "expectedDeliveryDate", f);
        if (o.ShipperTrackingId is not null && !BarcodeSafe().IsMatch(o.ShipperTrackingId))
        {
            f.Invalid("ShipperTrackingId", "shipperTrackingId must be 1 to 50 characters among A-Z, a-z, 0-9, '-', '_' and '.' (it is printed as a barcode).");
        }

        MaxLength(o.LotId, 100, "LotId", "Lot Id", "", f);
    }

    /// <summary>Country and postal code (<see cref="DestinationValidator"/>).</summary>
    public static void Destination<T>(RecipientLocationRequest l, string at, Findings<T> f)
    {
        var country = string.IsNullOrWhiteSpace(l.Country) ? null : l.Country.Trim().ToLowerInvariant();
        if (country is null)
        {
            f.Missing(at + "Country", "country is required.");
        }
        else if (!PostalCodes.Countries.Contains(country))
        {
            f.Invalid(at + "Country", DeliveryOrderRequestValidator.CountryPermitted);
            country = null;
        }

        if (string.IsNullOrWhiteSpace(l.PostalCode))
        {
            if (!f.PostalCodeOptional)
            {
                f.Missing(at + "PostalCode", "postalCode is required.");
            }
        }
        else if (country is not null && PostalCodes.Normalize(country, l.PostalCode) is null)
        {
            f.Invalid(at + "PostalCode", $"'{l.PostalCode}' is not a postal code of '{country}': expected {PostalCodes.FormatOf(country)}.");
        }
    }

    /// <summary>The destination and the address a courier needs (<see cref="RecipientLocationValidator"/>).</summary>
    public static void Location<T>(RecipientLocationRequest l, string at, Findings<T> f)
    {
        Destination(l, at, f);
        Required(l.State, 100, "State", "state is required.", at, f);
        Required(l.City, 100, "City", "city is required.", at, f);
        MaxLength(l.Municipality, 100, "Municipality", "Municipality", at, f);
        MaxLength(l.Neighborhood, 100, "Neighborhood", "Neighborhood", at, f);
        Required(l.Street, 200, "Street", "street is required.", at, f);
        Required(l.ExteriorNumber, 20, "ExteriorNumber", "exteriorNumber is required (use \"S/N\" when the building has none).", at, f, "Exterior Number");
        MaxLength(l.InteriorNumber, 20, "InteriorNumber", "Interior Number", at, f);
        MaxLength(l.Reference, 300, "Reference", "Reference", at, f);
        Between(l.Latitude, -90, 90, "Latitude", at, f);
        Between(l.Longitude, -180, 180, "Longitude", at, f);
        if (l.Latitude.HasValue && !l.Longitude.HasValue)
        {
            f.Invalid(at + "Longitude", "latitude and longitude go together: longitude is missing.");
        }

        if (l.Longitude.HasValue && !l.Latitude.HasValue)
        {
            f.Invalid(at + "Latitude", "latitude and longitude go together: latitude is missing.");
        }
    }

    /// <summary>Who receives the parcel (<see cref="RecipientInformationValidator"/>).</summary>
    public static void Recipient<T>(RecipientInformationRequest r, string at, Findings<T> f)
    {
        Required(r.Name, 150, "Name", "name is required.", at, f);
        if (string.IsNullOrWhiteSpace(r.Phone))
        {
            f.Missing(at + "Phone", "phone is required: the courier calls the recipient when the address cannot be found.");
        }
        else if (!Phone().IsMatch(r.Phone.Trim()))
        {
            f.Invalid(at + "Phone", "phone must have 10 to 15 digits, optionally with a leading + and spaces, dashes or parentheses, e.g. +52 55 1234 5678.");
        }

        if (!string.IsNullOrWhiteSpace(r.Email) && !IsEmailAddress(r.Email))
        {
            f.Invalid(at + "Email", "email is not a valid e-mail address.");
        }
    }

    /// <summary>The parcel (<see cref="PackageInformationValidator"/>).</summary>
    public static void Package<T>(PackageInformationRequest p, string at, Findings<T> f)
    {
        if (p.Weight is not { } weight)
        {
            f.Missing(at + "Weight", "weight (kg) is required.");
        }
        else if (weight <= 0)
        {
            f.Invalid(at + "Weight", "weight must be greater than 0 kg.");
        }

        if (p.Dimensions is not { } dimensions)
        {
            f.Missing(at + "Dimensions", "dimensions (cm) are required.");
        }
        else
        {
            Dimension(dimensions.Length, "Length", "length", at, f);
            Dimension(dimensions.Width, "Width", "width", at, f);
            Dimension(dimensions.Height, "Height", "height", at, f);
        }

        if (p.DeclaredValue < 0)
        {
            f.Invalid(at + "DeclaredValue", "'Declared Value' must be greater than or equal to '0'.");
        }

        if (p.Currency is not null && !Currency().IsMatch(p.Currency))
        {
            f.Invalid(at + "Currency", "currency must be an ISO 4217 code of 3 capital letters, e.g. MXN.");
        }

        if (p.DeclaredValue.HasValue && string.IsNullOrWhiteSpace(p.Currency))
        {
            f.Missing(at + "Currency", "currency is required with declaredValue.");
        }

        MaxLength(p.Description, 300, "Description", "Description", at, f);
        MaxLength(p.Contents, 300, "Contents", "Contents", at, f);
        if (p.CartaPorte is not null)
        {
            CartaPorte(p.CartaPorte, at + "CartaPorte.", f);
        }
    }

    /// <summary>The SAT Carta Porte complement (<see cref="CartaPorteValidator"/>).</summary>
    public static void CartaPorte<T>(CartaPorteRequest c, string at, Findings<T> f)
    {
        SatKey(c.ProductKey, ProductKey(), "ProductKey", "productKey (SAT c_ClaveProdServCP) is required.",
            "productKey must be the 8-digit SAT product key, e.g. 53111600.", at, f);
        SatKey(c.UnitKey, UnitKey(), "UnitKey", "unitKey (SAT c_ClaveUnidad) is required.",
            "unitKey must be a SAT unit key of 2 or 3 capital letters or digits, e.g. H87 or XBX.", at, f);
        if (c.Quantity is not { } quantity)
        {
            f.Missing(at + "Quantity", "quantity is required.");
        }
        else if (quantity <= 0)
        {
            f.Invalid(at + "Quantity", "quantity must be greater than 0.");
        }

        if (c.HazardousMaterial is null)
        {
            f.Missing(at + "HazardousMaterial", "hazardousMaterial (true or false) is required.");
        }

        if (c.HazardousMaterial == true && string.IsNullOrWhiteSpace(c.HazardousMaterialKey))
        {
            f.Missing(at + "HazardousMaterialKey", "hazardousMaterialKey (SAT c_MaterialPeligroso) is required when hazardousMaterial is true.");
        }

        if (!string.IsNullOrEmpty(c.HazardousMaterialKey) && !HazardKey().IsMatch(c.HazardousMaterialKey))
        {
            f.Invalid(at + "HazardousMaterialKey", "hazardousMaterialKey must be a 4-digit UN number, optionally prefixed with UN, e.g. UN1203.");
        }

        if (!string.IsNullOrEmpty(c.PackagingKey) && !PackagingKey().IsMatch(c.PackagingKey))
        {
            f.Invalid(at + "PackagingKey", "packagingKey must be a SAT packaging key (c_TipoEmbalaje) of 2 to 4 capital letters or digits, e.g. 4G.");
        }
    }

    /// <summary>
    /// FluentValidation's <c>EmailAddress()</c> (its default, ASP.NET Core compatible mode): one '@', neither first nor last.
    /// </summary>
    public static bool IsEmailAddress(string value)
    {
        var at = value.IndexOf('@');
        return at > 0 && at != value.Length - 1 && at == value.LastIndexOf('@');
    }

    private static void Date<T>(string? value, string property, string name, Findings<T> f)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            f.Missing(property, $"{name} is required.");
        }
        else if (DeliveryOrderRequestValidator.ParseDate(value) is null)
        {
            f.Invalid(property, $"{name} must be an ISO 8601 date-time with offset, e.g. 2026-12-01T10:00:00-06:00.");
        }
    }

    private static void Required<T>(string? value, int maxLength, string property, string missing, string at, Findings<T> f, string? displayName = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            f.Missing(at + property, missing);
        }

        MaxLength(value, maxLength, property, displayName ?? property, at, f);
    }

    /// <summary>FluentValidation's <c>MaximumLength</c>, with its message.</summary>
    private static void MaxLength<T>(string? value, int maxLength, string property, string displayName, string at, Findings<T> f)
    {
        if (value is not null && value.Length > maxLength)
        {
            f.Invalid(at + property, $"The length of '{displayName}' must be {maxLength} characters or fewer. You entered {value.Length} characters.");
        }
    }

    /// <summary>FluentValidation's <c>InclusiveBetween</c>, with its message.</summary>
    private static void Between<T>(double? value, int from, int to, string property, string at, Findings<T> f)
    {
        if (value is { } v && (v.CompareTo(from) < 0 || v.CompareTo(to) > 0))
        {
            f.Invalid(at + property, string.Create(CultureInfo.CurrentCulture, $"'{property}' must be between {from} and {to}. You entered {v}."));
        }
    }

    private static void Dimension<T>(decimal? value, string property, string name, string at, Findings<T> f)
    {
        if (value is not { } v)
        {
            f.Missing(at + "Dimensions." + property, $"'Dimensions {property}' must not be empty.");
        }
        else if (v <= 0)
        {
            f.Invalid(at + "Dimensions." + property, $"{name} must be a number greater than 0 cm.");
        }
    }

    private static void SatKey<T>(string? value, Regex pattern, string property, string missing, string invalid, string at, Findings<T> f)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            f.Missing(at + property, missing);
        }

        if (!string.IsNullOrEmpty(value) && !pattern.IsMatch(value))
        {
            f.Invalid(at + property, invalid);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,50}$")]
    private static partial Regex BarcodeSafe();

    [GeneratedRegex(@"^\+?(?:[\s\-().]*\d){10,15}[\s\-().]*$")]
    private static partial Regex Phone();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex Currency();

    [GeneratedRegex("^[0-9]{8}$")]
    private static partial Regex ProductKey();

    [GeneratedRegex("^[A-Z0-9]{2,3}$")]
    private static partial Regex UnitKey();

    [GeneratedRegex("^(UN)?[0-9]{4}$")]
    private static partial Regex HazardKey();

    [GeneratedRegex("^[A-Z0-9]{2,4}$")]
    private static partial Regex PackagingKey();
}

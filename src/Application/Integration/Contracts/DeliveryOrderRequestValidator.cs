using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>
/// Layer 2 of integration: the information is sufficient and well formed. Every problem of the order at once,
/// each named by its dotted path. Required: what a carrier needs to find the door and reach the recipient.
/// </summary>
public sealed partial class DeliveryOrderRequestValidator : AbstractValidator<DeliveryOrderRequest>
{
    public const string CountryPermitted = "Value is not a valid enumeration member; permitted: 'mx', 'co', 'us', 'br'.";

    public DeliveryOrderRequestValidator()
    {
        RuleFor(o => o.RecipientLocation).NotNull().WithMessage("recipientLocation is required.")
            .SetValidator(new RecipientLocationValidator()!);
        RuleFor(o => o.RecipientInformation).NotNull().WithMessage("recipientInformation is required.")
            .SetValidator(new RecipientInformationValidator()!);
        RuleFor(o => o.PackageInformation).NotNull().WithMessage("packageInformation is required.")
            .SetValidator(new PackageInformationValidator()!);
        RuleFor(o => o.PackageInformation!.CartaPorte).NotNull()
            .When(o => o.PackageInformation is not null && string.Equals(o.RecipientLocation?.Country?.Trim(), "mx", StringComparison.OrdinalIgnoreCase))
            .WithMessage("cartaPorte is required for deliveries in Mexico (SAT Carta Porte complement).")
            .OverridePropertyName("PackageInformation.CartaPorte");
        DateRule(o => o.ShipperDropoffDate, "shipperDropoffDate");
        DateRule(o => o.ExpectedDeliveryDate, "expectedDeliveryDate");
        RuleFor(o => o.ShipperTrackingId).Must(BeBarcodeSafe!).When(o => o.ShipperTrackingId is not null)
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage("shipperTrackingId must be 1 to 50 characters among A-Z, a-z, 0-9, '-', '_' and '.' (it is printed as a barcode).");
        RuleFor(o => o.LotId).MaximumLength(100);
    }

    private void DateRule(System.Linq.Expressions.Expression<Func<DeliveryOrderRequest, string?>> date, string name)
    {
        // Compiled once: compiling the expression on every validation costs more than the rest of the order's checks.
        var value = date.Compile();
        RuleFor(date).NotEmpty().WithMessage($"{name} is required.")
            .Must(v => ParseDate(v) is not null).When(o => !string.IsNullOrWhiteSpace(value(o)), ApplyConditionTo.CurrentValidator)
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage($"{name} must be an ISO 8601 date-time with offset, e.g. 2026-12-01T10:00:00-06:00.");
    }

    /// <summary>ISO 8601 with an explicit offset or Z; a local time without offset is ambiguous and refused.</summary>
    public static DateTimeOffset? ParseDate(string? value) =>
        value is not null && IsoWithOffset().IsMatch(value.Trim())
        && DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed
            : null;

    private static bool BeBarcodeSafe(string value) => BarcodeSafe().IsMatch(value);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoWithOffset();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,50}$")]
    private static partial Regex BarcodeSafe();
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

    public DestinationValidator()
    {
        RuleFor(l => l.Country).NotEmpty().WithMessage("country is required.")
            .Must(c => PostalCodes.Countries.Contains(c!.Trim().ToLowerInvariant())).When(l => !string.IsNullOrWhiteSpace(l.Country), ApplyConditionTo.CurrentValidator)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(DeliveryOrderRequestValidator.CountryPermitted);
        RuleFor(l => l.PostalCode).NotEmpty().WithMessage("postalCode is required.")
            .When((_, context) => !context.RootContextData.ContainsKey(PostalCodeOptional));
        RuleFor(l => l.PostalCode)
            .Must((l, code) => PostalCodes.Normalize(l.Country!.Trim().ToLowerInvariant(), code!) is not null)
            .When(l => !string.IsNullOrWhiteSpace(l.PostalCode) && PostalCodes.Countries.Contains(l.Country?.Trim().ToLowerInvariant() ?? ""))
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage((l, code) => $"'{code}' is not a postal code of '{l.Country!.Trim().ToLowerInvariant()}': expected {PostalCodes.FormatOf(l.Country!.Trim().ToLowerInvariant())}.");
    }
}

public sealed partial class RecipientLocationValidator : AbstractValidator<RecipientLocationRequest>
{
    public RecipientLocationValidator()
    {
        Include(new DestinationValidator());
        RuleFor(l => l.State).NotEmpty().WithMessage("state is required.").MaximumLength(100);
        RuleFor(l => l.City).NotEmpty().WithMessage("city is required.").MaximumLength(100);
        RuleFor(l => l.Municipality).MaximumLength(100);
        RuleFor(l => l.Neighborhood).MaximumLength(100);
        RuleFor(l => l.Street).NotEmpty().WithMessage("street is required.").MaximumLength(200);
        RuleFor(l => l.ExteriorNumber).NotEmpty().WithMessage("exteriorNumber is required (use \"S/N\" when the building has none).").MaximumLength(20);
        RuleFor(l => l.InteriorNumber).MaximumLength(20);
        RuleFor(l => l.Reference).MaximumLength(300);
        RuleFor(l => l.Latitude).InclusiveBetween(-90, 90).When(l => l.Latitude.HasValue);
        RuleFor(l => l.Longitude).InclusiveBetween(-180, 180).When(l => l.Longitude.HasValue);
        RuleFor(l => l.Longitude).NotNull().When(l => l.Latitude.HasValue).WithErrorCode("INVALID_PARAMETER")
            .WithMessage("latitude and longitude go together: longitude is missing.");
        RuleFor(l => l.Latitude).NotNull().When(l => l.Longitude.HasValue).WithErrorCode("INVALID_PARAMETER")
            .WithMessage("latitude and longitude go together: latitude is missing.");
    }
}

public sealed partial class RecipientInformationValidator : AbstractValidator<RecipientInformationRequest>
{
    public RecipientInformationValidator()
    {
        RuleFor(r => r.Name).NotEmpty().WithMessage("name is required.").MaximumLength(150);
        RuleFor(r => r.Phone).NotEmpty().WithMessage("phone is required: the courier calls the recipient when the address cannot be found.");
        RuleFor(r => r.Phone).Must(p => Phone().IsMatch(p!.Trim())).When(r => !string.IsNullOrWhiteSpace(r.Phone))
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage("phone must have 10 to 15 digits, optionally with a leading + and spaces, dashes or parentheses, e.g. +52 55 1234 5678.");
        RuleFor(r => r.Email).EmailAddress().When(r => !string.IsNullOrWhiteSpace(r.Email))
            .WithErrorCode("INVALID_PARAMETER").WithMessage("email is not a valid e-mail address.");
    }

    [GeneratedRegex(@"^\+?(?:[\s\-().]*\d){10,15}[\s\-().]*$")]
    private static partial Regex Phone();
}

public sealed partial class PackageInformationValidator : AbstractValidator<PackageInformationRequest>
{
    public PackageInformationValidator()
    {
        RuleFor(p => p.Weight).NotNull().WithMessage("weight (kg) is required.")
            .GreaterThan(0).WithErrorCode("INVALID_PARAMETER").WithMessage("weight must be greater than 0 kg.");
        RuleFor(p => p.Dimensions).NotNull().WithMessage("dimensions (cm) are required.");
        RuleFor(p => p.Dimensions!.Length).NotNull().GreaterThan(0).When(p => p.Dimensions is not null)
            .WithMessage("length must be a number greater than 0 cm.").OverridePropertyName("Dimensions.Length");
        RuleFor(p => p.Dimensions!.Width).NotNull().GreaterThan(0).When(p => p.Dimensions is not null)
            .WithMessage("width must be a number greater than 0 cm.").OverridePropertyName("Dimensions.Width");
        RuleFor(p => p.Dimensions!.Height).NotNull().GreaterThan(0).When(p => p.Dimensions is not null)
            .WithMessage("height must be a number greater than 0 cm.").OverridePropertyName("Dimensions.Height");
        RuleFor(p => p.DeclaredValue).GreaterThanOrEqualTo(0).When(p => p.DeclaredValue.HasValue);
        RuleFor(p => p.Currency).Must(c => Currency().IsMatch(c!)).When(p => p.Currency is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("currency must be an ISO 4217 code of 3 capital letters, e.g. MXN.");
        RuleFor(p => p.Currency).NotEmpty().When(p => p.DeclaredValue.HasValue)
            .WithMessage("currency is required with declaredValue.");
        RuleFor(p => p.Description).MaximumLength(300);
        RuleFor(p => p.Contents).MaximumLength(300);
        RuleFor(p => p.CartaPorte).SetValidator(new CartaPorteValidator()!);
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex Currency();
}

public sealed partial class CartaPorteValidator : AbstractValidator<CartaPorteRequest>
{
    public CartaPorteValidator()
    {
        RuleFor(c => c.ProductKey).NotEmpty().WithMessage("productKey (SAT c_ClaveProdServCP) is required.");
        RuleFor(c => c.ProductKey).Must(k => ProductKey().IsMatch(k!)).When(c => !string.IsNullOrEmpty(c.ProductKey))
            .WithErrorCode("INVALID_PARAMETER").WithMessage("productKey must be the 8-digit SAT product key, e.g. 53111600.");
        RuleFor(c => c.UnitKey).NotEmpty().WithMessage("unitKey (SAT c_ClaveUnidad) is required.");
        RuleFor(c => c.UnitKey).Must(k => UnitKey().IsMatch(k!)).When(c => !string.IsNullOrEmpty(c.UnitKey))
            .WithErrorCode("INVALID_PARAMETER").WithMessage("unitKey must be a SAT unit key of 2 or 3 capital letters or digits, e.g. H87 or XBX.");
        RuleFor(c => c.Quantity).NotNull().WithMessage("quantity is required.")
            .GreaterThan(0).WithErrorCode("INVALID_PARAMETER").WithMessage("quantity must be greater than 0.");
        RuleFor(c => c.HazardousMaterial).NotNull().WithMessage("hazardousMaterial (true or false) is required.");
        RuleFor(c => c.HazardousMaterialKey).NotEmpty().When(c => c.HazardousMaterial == true)
            .WithMessage("hazardousMaterialKey (SAT c_MaterialPeligroso) is required when hazardousMaterial is true.");
        RuleFor(c => c.HazardousMaterialKey).Must(k => HazardKey().IsMatch(k!)).When(c => !string.IsNullOrEmpty(c.HazardousMaterialKey))
            .WithErrorCode("INVALID_PARAMETER").WithMessage("hazardousMaterialKey must be a 4-digit UN number, optionally prefixed with UN, e.g. UN1203.");
        RuleFor(c => c.PackagingKey).Must(k => PackagingKey().IsMatch(k!)).When(c => !string.IsNullOrEmpty(c.PackagingKey))
            .WithErrorCode("INVALID_PARAMETER").WithMessage("packagingKey must be a SAT packaging key (c_TipoEmbalaje) of 2 to 4 capital letters or digits, e.g. 4G.");
    }

    [GeneratedRegex("^[0-9]{8}$")]
    private static partial Regex ProductKey();

    [GeneratedRegex("^[A-Z0-9]{2,3}$")]
    private static partial Regex UnitKey();

    [GeneratedRegex("^(UN)?[0-9]{4}$")]
    private static partial Regex HazardKey();

    [GeneratedRegex("^[A-Z0-9]{2,4}$")]
    private static partial Regex PackagingKey();
}

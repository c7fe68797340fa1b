using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using Cargamos.Modular.Application.Common.Behaviors;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Application.Vtex;

// The wire shape of a VTEX Pick and Pack "service creation" (what VTEX sends the carrier). Every member is nullable
// so that a missing field is reported by the validator as MISSING_PARAMETER together with every other problem of
// the request, instead of failing deserialization on the first one. Enum-like values stay strings for the same
// reason: an unknown value is one more field error, with the permitted values.

/// <summary>A VTEX service creation request, as VTEX sends it.</summary>
internal sealed record VtexServiceRequest(
    string? OrderId,
    string? CarrierId,
    string? Seller,
    VtexSenderRequest? Sender,
    VtexReceiverRequest? Receiver,
    IReadOnlyList<VtexPackageRequest?>? Packages,
    string? Type,
    string? CarrierServiceType,
    string? Comments,
    string? PaymentMethod,
    decimal? OrderValue,
    IReadOnlyList<VtexSettingRequest?>? Settings,
    VtexTimezoneRequest? Timezone)
{
    public static readonly VtexServiceRequest Empty = new(null, null, null, null, null, null, null, null, null, null, null, null, null);
}

internal sealed record VtexLocationRequest(double? Latitude, double? Longitude);

internal sealed record VtexDeliveryWindowRequest(string? Name, string? InitialDate, string? FinalDate);

/// <summary>What a sender and a receiver both have: a contact, an address and an optional delivery window.</summary>
internal abstract record VtexAddressRequest
{
    public string? Name { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? City { get; init; }
    public string? State { get; init; }
    public string? Country { get; init; }
    public string? Address { get; init; }
    public string? Neighborhood { get; init; }
    public string? Number { get; init; }
    public string? Reference { get; init; }
    public string? AddressComplement { get; init; }
    public VtexLocationRequest? Location { get; init; }
    public VtexDeliveryWindowRequest? DeliveryWindow { get; init; }
    public string? ZipCode { get; init; }
}

/// <summary>Where the carrier picks the parcels up (the store or warehouse).</summary>
internal sealed record VtexSenderRequest(string? PickupDate) : VtexAddressRequest;

/// <summary>Who receives the parcels, and where.</summary>
[RequiredFields("phone")] // the intake's rule: the courier calls the recipient when the address cannot be found
internal sealed record VtexReceiverRequest(string? Identification, string? DeliveryDate, string? ContactName) : VtexAddressRequest;

internal sealed record VtexDimensionsRequest(string? Width, string? Height, string? Length);

internal sealed record VtexPackageRequest(
    string? Id,
    string? OrderId,
    string? Envelope,
    string? Description,
    IReadOnlyList<string?>? Categories,
    VtexDimensionsRequest? Dimensions,
    string? Weight,
    decimal? TotalValue,
    IReadOnlyList<VtexItemRequest?>? Items);

internal sealed record VtexItemRequest(
    string? Id,
    string? Name,
    string? Ean,
    string? RefId,
    string? Image,
    string? Type,
    decimal? Price,
    string? Weight,
    int? Quantity);

internal sealed record VtexSettingRequest(string? Label, string? Value, string? Key);

internal sealed record VtexTimezoneRequest(double? Offset, string? Value);

/// <summary>The enumerations of the VTEX schema, spelled as VTEX sends them.</summary>
internal static class VtexEnums
{
    public static readonly IReadOnlyList<string> ServiceTypes = ["PICKUP", "DELIVERY", "PICKUP_DELIVERY", "RETURN"];
    // BROKER and PICKUP_IN_STORE: the current protocol's additions to the seed's five.
    public static readonly IReadOnlyList<string> CarrierServiceTypes = ["NATIONAL", "INTERNATIONAL", "EXPRESS", "SPECIALIZED", "OTHERS", "BROKER", "PICKUP_IN_STORE"];
    public static readonly IReadOnlyList<string> PaymentMethods = ["ONLINE", "CASH_ON_DELIVERY", "PIN_PAD"];

    public static string Permitted(IReadOnlyList<string> values) =>
        $"Value is not a valid enumeration member; permitted: {string.Join(", ", values.Select(v => $"'{v}'"))}.";
}

/// <summary>
/// VTEX weights and sides are free strings ("19", "4 kg", "68"). A value is a number (dot or comma as the decimal
/// separator) with an optional unit: weights in kg unless written g, lb or oz; sides in cm unless written mm, m or in.
/// Zero means "not declared".
/// </summary>
internal static partial class VtexMeasures
{
    public const string WeightFormat = "a number with an optional unit (kg, g, lb, oz; kg when none), e.g. \"19\" or \"4 kg\"";
    public const string LengthFormat = "a number with an optional unit (cm, mm, m, in; cm when none), e.g. \"68\" or \"68 cm\"";

    /// <summary>The weight in kg, or null when it is not a weight.</summary>
    public static decimal? Kilograms(string? value)
    {
        var m = Measure().Match(value ?? "");
        if (!m.Success || Number(m) is not { } n)
        {
            return null;
        }

        return m.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "" or "kg" or "kgs" or "kilo" or "kilos" or "kilogram" or "kilograms" or "kilogramo" or "kilogramos" => n,
            "g" or "gr" or "grs" or "gram" or "grams" or "gramo" or "gramos" => n / 1000m,
            "lb" or "lbs" => n * 0.45359237m,
            "oz" => n * 0.028349523125m,
            _ => null,
        };
    }

    /// <summary>The length in cm, or null when it is not a length.</summary>
    public static decimal? Centimeters(string? value)
    {
        var m = Measure().Match(value ?? "");
        if (!m.Success || Number(m) is not { } n)
        {
            return null;
        }

        return m.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "" or "cm" or "cms" => n,
            "mm" => n / 10m,
            "m" => n * 100m,
            "in" or "\"" => n * 2.54m,
            _ => null,
        };
    }

    private static decimal? Number(Match m) =>
        decimal.TryParse(m.Groups["number"].Value.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) ? n : null;

    [GeneratedRegex("""^\s*(?<number>[0-9]{1,9}(?:[.,][0-9]{1,6})?)\s*(?<unit>[a-zA-Z"]{0,10})\s*$""")]
    private static partial Regex Measure();
}

/// <summary>
/// The VTEX schema of service creation: every field marked <c>!</c> is required, enumerations and formats are checked,
/// and every problem is reported at once with its dotted path (<c>receiver.zipCode</c>, <c>packages[0].items[1].ean</c>).
/// </summary>
internal sealed class VtexServiceRequestValidator : AbstractValidator<VtexServiceRequest>
{
    /// <summary>The ceiling of every other string of a service (names, addresses, items, settings) and of every list.</summary>
    public const int MaxTextLength = 2_000;

    public const int MaxListItems = 1_000;

    public VtexServiceRequestValidator()
    {
        RuleFor(r => r).Custom((r, context) => BoundedText.Check(r, context, MaxTextLength, MaxListItems));
        RuleFor(r => r.OrderId).NotEmpty().WithMessage("orderId is required.").MaximumLength(100);
        RuleFor(r => r.CarrierId).NotEmpty().WithMessage("carrierId is required.").MaximumLength(100);
        RuleFor(r => r.Seller).NotEmpty().WithMessage("seller is required.").MaximumLength(100);
        RuleFor(r => r.Sender).NotNull().WithMessage("sender is required.").SetValidator(new VtexSenderValidator()!);
        RuleFor(r => r.Receiver).NotNull().WithMessage("receiver is required.").SetValidator(new VtexReceiverValidator()!);
        RuleForEach(r => r.Packages).NotNull().WithMessage("a package cannot be null.").SetValidator(new VtexPackageValidator()!);
        Enum(r => r.Type, "type", VtexEnums.ServiceTypes);
        Enum(r => r.CarrierServiceType, "carrierServiceType", VtexEnums.CarrierServiceTypes);
        Enum(r => r.PaymentMethod, "paymentMethod", VtexEnums.PaymentMethods);
        RuleFor(r => r.Comments).MaximumLength(2000);
        RuleFor(r => r.OrderValue).GreaterThanOrEqualTo(0).When(r => r.OrderValue.HasValue);
        RuleForEach(r => r.Settings).NotNull().WithMessage("a setting cannot be null.");
        RuleFor(r => r.Timezone).NotNull().WithMessage("timezone is required.").SetValidator(new VtexTimezoneValidator()!);
    }

    private void Enum(System.Linq.Expressions.Expression<Func<VtexServiceRequest, string?>> field, string name, IReadOnlyList<string> values) =>
        RuleFor(field).NotEmpty().WithMessage($"{name} is required.")
            .Must(v => values.Contains(v!)).When(r => !string.IsNullOrEmpty(field.Compile()(r)), ApplyConditionTo.CurrentValidator)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(VtexEnums.Permitted(values));

    /// <summary>An AWSDateTime: ISO 8601 with Z or an offset (2022-04-25T18:06:41.202Z).</summary>
    internal static bool BeDate(string? value) => DeliveryOrderRequestValidator.ParseDate(value) is not null;

    internal const string DateMessage = "must be an ISO 8601 date-time with Z or an offset, e.g. 2022-04-25T18:06:41.202Z.";
}

internal sealed class VtexLocationValidator : AbstractValidator<VtexLocationRequest>
{
    public VtexLocationValidator()
    {
        RuleFor(l => l.Latitude).InclusiveBetween(-90, 90).When(l => l.Latitude.HasValue).WithErrorCode("INVALID_PARAMETER");
        RuleFor(l => l.Longitude).InclusiveBetween(-180, 180).When(l => l.Longitude.HasValue).WithErrorCode("INVALID_PARAMETER");
    }
}

internal sealed class VtexDeliveryWindowValidator : AbstractValidator<VtexDeliveryWindowRequest>
{
    public VtexDeliveryWindowValidator()
    {
        RuleFor(w => w.InitialDate).Must(VtexServiceRequestValidator.BeDate).When(w => w.InitialDate is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("initialDate " + VtexServiceRequestValidator.DateMessage);
        RuleFor(w => w.FinalDate).Must(VtexServiceRequestValidator.BeDate).When(w => w.FinalDate is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("finalDate " + VtexServiceRequestValidator.DateMessage);
    }
}

/// <summary>The rules a sender and a receiver share: the address is required; location and delivery window, when given, are checked.</summary>
internal sealed class VtexAddressValidator : AbstractValidator<VtexAddressRequest>
{
    public VtexAddressValidator()
    {
        RuleFor(a => a.City).NotEmpty().WithMessage("city is required.");
        RuleFor(a => a.State).NotEmpty().WithMessage("state is required.");
        RuleFor(a => a.Country).NotEmpty().WithMessage("country is required.");
        RuleFor(a => a.Address).NotEmpty().WithMessage("address is required.");
        RuleFor(a => a.Location).SetValidator(new VtexLocationValidator()!);
        RuleFor(a => a.DeliveryWindow).SetValidator(new VtexDeliveryWindowValidator()!);
    }
}

internal sealed class VtexSenderValidator : AbstractValidator<VtexSenderRequest>
{
    public VtexSenderValidator()
    {
        Include(new VtexAddressValidator());
        RuleFor(s => s.PickupDate).NotEmpty().WithMessage("pickupDate is required.")
            .Must(VtexServiceRequestValidator.BeDate).When(s => !string.IsNullOrEmpty(s.PickupDate), ApplyConditionTo.CurrentValidator)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("pickupDate " + VtexServiceRequestValidator.DateMessage);
    }
}

/// <summary>
/// A receiver also needs a name and a country Cargamos delivers to; its zipCode, optional in the current protocol, must be
/// a postal code of that country when given (without it, intake finds the zone by coordinates or city).
/// </summary>
internal sealed class VtexReceiverValidator : AbstractValidator<VtexReceiverRequest>
{
    public VtexReceiverValidator()
    {
        RuleFor(r => r.Name).NotEmpty().WithMessage("name is required.");
        Include(new VtexAddressValidator());
        RuleFor(r => r.Country)
            .Must(c => VtexCountries.ToCode(c) is not null).When(r => !string.IsNullOrWhiteSpace(r.Country))
            .WithErrorCode("INVALID_PARAMETER").WithMessage(r => VtexCountries.NotAccepted(r.Country));
        RuleFor(r => r.ZipCode)
            .Must((r, zip) => PostalCodes.Normalize(VtexCountries.ToCode(r.Country)!, zip!) is not null)
            .When(r => !string.IsNullOrWhiteSpace(r.ZipCode) && VtexCountries.ToCode(r.Country) is not null)
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage((r, zip) => $"'{zip}' is not a postal code of '{VtexCountries.ToCode(r.Country)}': expected {PostalCodes.FormatOf(VtexCountries.ToCode(r.Country)!)}.");
        RuleFor(r => r.DeliveryDate).NotEmpty().WithMessage("deliveryDate is required.")
            .Must(VtexServiceRequestValidator.BeDate).When(r => !string.IsNullOrEmpty(r.DeliveryDate), ApplyConditionTo.CurrentValidator)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("deliveryDate " + VtexServiceRequestValidator.DateMessage);
    }
}

internal sealed class VtexPackageValidator : AbstractValidator<VtexPackageRequest>
{
    public VtexPackageValidator()
    {
        RuleFor(p => p.Id).NotEmpty().WithMessage("id is required.");
        RuleFor(p => p.OrderId).NotEmpty().WithMessage("orderId is required.");
        RuleFor(p => p.Weight).Must(w => VtexMeasures.Kilograms(w) is not null).When(p => !string.IsNullOrWhiteSpace(p.Weight))
            .WithErrorCode("INVALID_PARAMETER").WithMessage(p => $"weight '{p.Weight}' is not {VtexMeasures.WeightFormat}.");
        RuleFor(p => p.Dimensions!.Width).Must(BeLength).When(p => !string.IsNullOrWhiteSpace(p.Dimensions?.Width))
            .WithErrorCode("INVALID_PARAMETER").WithMessage(p => $"width '{p.Dimensions!.Width}' is not {VtexMeasures.LengthFormat}.")
            .OverridePropertyName("Dimensions.Width");
        RuleFor(p => p.Dimensions!.Height).Must(BeLength).When(p => !string.IsNullOrWhiteSpace(p.Dimensions?.Height))
            .WithErrorCode("INVALID_PARAMETER").WithMessage(p => $"height '{p.Dimensions!.Height}' is not {VtexMeasures.LengthFormat}.")
            .OverridePropertyName("Dimensions.Height");
        RuleFor(p => p.Dimensions!.Length).Must(BeLength).When(p => !string.IsNullOrWhiteSpace(p.Dimensions?.Length))
            .WithErrorCode("INVALID_PARAMETER").WithMessage(p => $"length '{p.Dimensions!.Length}' is not {VtexMeasures.LengthFormat}.")
            .OverridePropertyName("Dimensions.Length");
        RuleFor(p => p.TotalValue).GreaterThanOrEqualTo(0).When(p => p.TotalValue.HasValue).WithErrorCode("INVALID_PARAMETER");
        RuleForEach(p => p.Items).NotNull().WithMessage("an item cannot be null.").SetValidator(new VtexItemValidator()!);
    }

    private static bool BeLength(string? value) => VtexMeasures.Centimeters(value) is not null;
}

internal sealed class VtexItemValidator : AbstractValidator<VtexItemRequest>
{
    public VtexItemValidator()
    {
        RuleFor(i => i.Id).NotEmpty().WithMessage("id is required.");
        RuleFor(i => i.Name).NotEmpty().WithMessage("name is required.");
        RuleFor(i => i.Ean).NotEmpty().WithMessage("ean is required.");
        RuleFor(i => i.Price).NotNull().WithMessage("price is required.")
            .GreaterThanOrEqualTo(0).WithErrorCode("INVALID_PARAMETER").WithMessage("price must be 0 or more.");
        RuleFor(i => i.Quantity).NotNull().WithMessage("quantity is required.")
            .GreaterThan(0).WithErrorCode("INVALID_PARAMETER").WithMessage("quantity must be greater than 0.");
        RuleFor(i => i.Weight).Must(w => VtexMeasures.Kilograms(w) is not null).When(i => !string.IsNullOrWhiteSpace(i.Weight))
            .WithErrorCode("INVALID_PARAMETER").WithMessage(i => $"weight '{i.Weight}' is not {VtexMeasures.WeightFormat}.");
    }
}

internal sealed class VtexTimezoneValidator : AbstractValidator<VtexTimezoneRequest>
{
    public VtexTimezoneValidator()
    {
        // VTEX's own examples disagree on the unit (300 and -300 for Bogota in minutes, "-5, -3" in hours): any offset
        // within UTC-14:00..+14:00 in either unit is accepted; the zone id is what we use.
        RuleFor(t => t.Offset).NotNull().WithMessage("offset is required.")
            .InclusiveBetween(-840, 840).WithErrorCode("INVALID_PARAMETER")
            .WithMessage("offset must be between -840 and 840 (minutes, or hours between -14 and 14).");
        RuleFor(t => t.Value).NotEmpty().WithMessage("value is required (an IANA time zone, e.g. America/Bogota).")
            .Must(BeIanaZone).When(t => !string.IsNullOrWhiteSpace(t.Value), ApplyConditionTo.CurrentValidator)
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage(t => $"'{t.Value}' is not an IANA time zone known to the server (e.g. America/Bogota, America/Mexico_City, America/Sao_Paulo).");
    }

    private static bool BeIanaZone(string? id) => TimeZoneInfo.TryFindSystemTimeZoneById(id!.Trim(), out var zone) && zone.HasIanaId;
}

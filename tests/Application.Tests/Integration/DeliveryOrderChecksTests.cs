using System.Runtime.CompilerServices;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Integration.Contracts;
using FluentValidation;

namespace Cargamos.Modular.Application.Tests.Integration;

/// <summary>
/// The delivery order's checks (<see cref="OrderChecks"/> behind <see cref="DeliveryOrderRequestValidator"/> and the parts'
/// validators): each check's path, code and message as the envelope reports them, the order of the errors, the parts
/// used for members of other requests (quotes) and on their own (the OpenAPI document's required fields). They are the
/// messages the FluentValidation rules this replaced gave (ADR 007), compared over 1.5 million generated orders then.
/// </summary>
public sealed class DeliveryOrderChecksTests
{
    private static readonly DeliveryOrderRequestValidator Validator = new();

    private static DeliveryOrderRequest Valid() => new(
        new RecipientLocationRequest("mx", "Ciudad de México", "Ciudad de México", "Cuauhtémoc", "Roma Norte", "Calle Orizaba", "101", "Depto. 4", "06700", "Portón verde", 19.4194, -99.1617),
        new RecipientInformationRequest("María Pérez", "+52 55 1234 5678", "maria@example.mx"),
        new PackageInformationRequest(1.5m, new DimensionsRequest(30, 20, 12), 1200m, "MXN", "Caja", "Tenis",
            new CartaPorteRequest("53111600", "H87", 1, false, null, "4G")),
        "2026-12-03T10:00:00-06:00", "2026-12-05T18:00:00-06:00", "ACME-123", "wave-1");

    private static string[] Errors(DeliveryOrderRequest order, bool postalCodeOptional = false) =>
        Show(postalCodeOptional ? Validator.Validate(DestinationValidator.WithoutPostalCode(order)) : Validator.Validate(order));

    private static string[] Show(FluentValidation.Results.ValidationResult result) =>
        ValidationErrors.ToDetails(result.Errors, "request.body").Select(d => $"{d.Code} {d.Parameter}: {d.Details}").ToArray();

    private static DeliveryOrderRequest WithLocation(Func<RecipientLocationRequest, RecipientLocationRequest> change) =>
        Valid() with { RecipientLocation = change(Valid().RecipientLocation!) };

    private static DeliveryOrderRequest WithPackage(Func<PackageInformationRequest, PackageInformationRequest> change) =>
        Valid() with { PackageInformation = change(Valid().PackageInformation!) };

    private static DeliveryOrderRequest WithCartaPorte(Func<CartaPorteRequest, CartaPorteRequest> change) =>
        WithPackage(p => p with { CartaPorte = change(p.CartaPorte!) });

    [Fact]
    public void A_complete_order_passes_and_so_does_one_with_only_the_required_fields()
    {
        Assert.Empty(Errors(Valid()));
        var minimal = new DeliveryOrderRequest(
            new RecipientLocationRequest("co", "Bogotá", "Bogotá", null, null, "Calle 80", "S/N", null, "110111", null, null, null),
            new RecipientInformationRequest("Ana", "3001234567", null),
            new PackageInformationRequest(0.1m, new DimensionsRequest(1, 1, 1), null, null, null, null, null),
            "2026-12-03T10:00:00Z", "2026-12-05T18:00:00+00:00", null, null);
        Assert.Empty(Errors(minimal));
    }

    [Fact]
    public void An_empty_order_reports_every_missing_part_at_once_in_the_order_of_its_fields()
    {
        Assert.Equal(
        [
            "MISSING_PARAMETER recipientLocation: recipientLocation is required.",
            "MISSING_PARAMETER recipientInformation: recipientInformation is required.",
            "MISSING_PARAMETER packageInformation: packageInformation is required.",
            "MISSING_PARAMETER shipperDropoffDate: shipperDropoffDate is required.",
            "MISSING_PARAMETER expectedDeliveryDate: expectedDeliveryDate is required.",
        ], Errors(new DeliveryOrderRequest(null, null, null, null, null, null, null)));
    }

    [Fact]
    public void Every_missing_field_of_the_parts_is_named_by_its_path()
    {
        var order = new DeliveryOrderRequest(
            new RecipientLocationRequest(null, null, " ", null, null, "", null, null, null, null, null, null),
            new RecipientInformationRequest(null, " ", null),
            new PackageInformationRequest(null, new DimensionsRequest(null, 1, null), 10m, null, null, null, new CartaPorteRequest(null, " ", null, true, null, null)),
            " ", "", null, null);
        Assert.Equal(
        [
            "MISSING_PARAMETER recipientLocation.country: country is required.",
            "MISSING_PARAMETER recipientLocation.postalCode: postalCode is required.",
            "MISSING_PARAMETER recipientLocation.state: state is required.",
            "MISSING_PARAMETER recipientLocation.city: city is required.",
            "MISSING_PARAMETER recipientLocation.street: street is required.",
            "MISSING_PARAMETER recipientLocation.exteriorNumber: exteriorNumber is required (use \"S/N\" when the building has none).",
            "MISSING_PARAMETER recipientInformation.name: name is required.",
            "MISSING_PARAMETER recipientInformation.phone: phone is required: the courier calls the recipient when the address cannot be found.",
            "MISSING_PARAMETER packageInformation.weight: weight (kg) is required.",
            "MISSING_PARAMETER packageInformation.dimensions.length: 'Dimensions Length' must not be empty.",
            "MISSING_PARAMETER packageInformation.dimensions.height: 'Dimensions Height' must not be empty.",
            "MISSING_PARAMETER packageInformation.currency: currency is required with declaredValue.",
            "MISSING_PARAMETER packageInformation.cartaPorte.productKey: productKey (SAT c_ClaveProdServCP) is required.",
            "MISSING_PARAMETER packageInformation.cartaPorte.unitKey: unitKey (SAT c_ClaveUnidad) is required.",
            "INVALID_PARAMETER packageInformation.cartaPorte.unitKey: unitKey must be a SAT unit key of 2 or 3 capital letters or digits, e.g. H87 or XBX.",
            "MISSING_PARAMETER packageInformation.cartaPorte.quantity: quantity is required.",
            "MISSING_PARAMETER packageInformation.cartaPorte.hazardousMaterialKey: hazardousMaterialKey (SAT c_MaterialPeligroso) is required when hazardousMaterial is true.",
            "MISSING_PARAMETER shipperDropoffDate: shipperDropoffDate is required.",
            "MISSING_PARAMETER expectedDeliveryDate: expectedDeliveryDate is required.",
        ], Errors(order));
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "country", "INVALID_PARAMETER recipientLocation.country: Value is not a valid enumeration member; permitted: 'mx', 'co', 'us', 'br'." },
        { "postalCode", "INVALID_PARAMETER recipientLocation.postalCode: '6700' is not a postal code of 'mx': expected 5 digits (e.g. 06700)." },
        { "state", "INVALID_PARAMETER recipientLocation.state: The length of 'State' must be 100 characters or fewer. You entered 101 characters." },
        { "exteriorNumber", "INVALID_PARAMETER recipientLocation.exteriorNumber: The length of 'Exterior Number' must be 20 characters or fewer. You entered 21 characters." },
        { "interiorNumber", "INVALID_PARAMETER recipientLocation.interiorNumber: The length of 'Interior Number' must be 20 characters or fewer. You entered 21 characters." },
        { "reference", "INVALID_PARAMETER recipientLocation.reference: The length of 'Reference' must be 300 characters or fewer. You entered 301 characters." },
        { "latitude", "INVALID_PARAMETER recipientLocation.latitude: 'Latitude' must be between -90 and 90. You entered 90.5." },
        { "longitude", "INVALID_PARAMETER recipientLocation.longitude: 'Longitude' must be between -180 and 180. You entered -181." },
        { "latitudeAlone", "INVALID_PARAMETER recipientLocation.longitude: latitude and longitude go together: longitude is missing." },
        { "longitudeAlone", "INVALID_PARAMETER recipientLocation.latitude: latitude and longitude go together: latitude is missing." },
        { "name", "INVALID_PARAMETER recipientInformation.name: The length of 'Name' must be 150 characters or fewer. You entered 151 characters." },
        { "phone", "INVALID_PARAMETER recipientInformation.phone: phone must have 10 to 15 digits, optionally with a leading + and spaces, dashes or parentheses, e.g. +52 55 1234 5678." },
        { "email", "INVALID_PARAMETER recipientInformation.email: email is not a valid e-mail address." },
        { "weight", "INVALID_PARAMETER packageInformation.weight: weight must be greater than 0 kg." },
        { "width", "INVALID_PARAMETER packageInformation.dimensions.width: width must be a number greater than 0 cm." },
        { "declaredValue", "INVALID_PARAMETER packageInformation.declaredValue: 'Declared Value' must be greater than or equal to '0'." },
        { "currency", "INVALID_PARAMETER packageInformation.currency: currency must be an ISO 4217 code of 3 capital letters, e.g. MXN." },
        { "description", "INVALID_PARAMETER packageInformation.description: The length of 'Description' must be 300 characters or fewer. You entered 301 characters." },
        { "productKey", "INVALID_PARAMETER packageInformation.cartaPorte.productKey: productKey must be the 8-digit SAT product key, e.g. 53111600." },
        { "quantity", "INVALID_PARAMETER packageInformation.cartaPorte.quantity: quantity must be greater than 0." },
        { "hazardousMaterial", "MISSING_PARAMETER packageInformation.cartaPorte.hazardousMaterial: hazardousMaterial (true or false) is required." },
        { "hazardousMaterialKey", "INVALID_PARAMETER packageInformation.cartaPorte.hazardousMaterialKey: hazardousMaterialKey must be a 4-digit UN number, optionally prefixed with UN, e.g. UN1203." },
        { "packagingKey", "INVALID_PARAMETER packageInformation.cartaPorte.packagingKey: packagingKey must be a SAT packaging key (c_TipoEmbalaje) of 2 to 4 capital letters or digits, e.g. 4G." },
        { "cartaPorte", "MISSING_PARAMETER packageInformation.cartaPorte: cartaPorte is required for deliveries in Mexico (SAT Carta Porte complement)." },
        { "shipperDropoffDate", "INVALID_PARAMETER shipperDropoffDate: shipperDropoffDate must be an ISO 8601 date-time with offset, e.g. 2026-12-01T10:00:00-06:00." },
        { "expectedDeliveryDate", "INVALID_PARAMETER expectedDeliveryDate: expectedDeliveryDate must be an ISO 8601 date-time with offset, e.g. 2026-12-01T10:00:00-06:00." },
        { "shipperTrackingId", "INVALID_PARAMETER shipperTrackingId: shipperTrackingId must be 1 to 50 characters among A-Z, a-z, 0-9, '-', '_' and '.' (it is printed as a barcode)." },
        { "lotId", "INVALID_PARAMETER lotId: The length of 'Lot Id' must be 100 characters or fewer. You entered 101 characters." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_check_reports_its_field_alone(string field, string expected)
    {
        var order = field switch
        {
            "country" => WithLocation(l => l with { Country = "xx" }),
            "postalCode" => WithLocation(l => l with { PostalCode = "6700" }),
            "state" => WithLocation(l => l with { State = new string('a', 101) }),
            "exteriorNumber" => WithLocation(l => l with { ExteriorNumber = new string('1', 21) }),
            "interiorNumber" => WithLocation(l => l with { InteriorNumber = new string('1', 21) }),
            "reference" => WithLocation(l => l with { Reference = new string('a', 301) }),
            "latitude" => WithLocation(l => l with { Latitude = 90.5 }),
            "longitude" => WithLocation(l => l with { Longitude = -181 }),
            "latitudeAlone" => WithLocation(l => l with { Longitude = null }),
            "longitudeAlone" => WithLocation(l => l with { Latitude = null }),
            "name" => Valid() with { RecipientInformation = Valid().RecipientInformation! with { Name = new string('a', 151) } },
            "phone" => Valid() with { RecipientInformation = Valid().RecipientInformation! with { Phone = "55 1234" } },
            "email" => Valid() with { RecipientInformation = Valid().RecipientInformation! with { Email = "maria@@example.mx" } },
            "weight" => WithPackage(p => p with { Weight = 0 }),
            "width" => WithPackage(p => p with { Dimensions = p.Dimensions! with { Width = -1 } }),
            "declaredValue" => WithPackage(p => p with { DeclaredValue = -0.01m }),
            "currency" => WithPackage(p => p with { Currency = "mxn" }),
            "description" => WithPackage(p => p with { Description = new string('a', 301) }),
            "productKey" => WithCartaPorte(c => c with { ProductKey = "5311160" }),
            "quantity" => WithCartaPorte(c => c with { Quantity = 0 }),
            "hazardousMaterial" => WithCartaPorte(c => c with { HazardousMaterial = null }),
            "hazardousMaterialKey" => WithCartaPorte(c => c with { HazardousMaterialKey = "UN123" }),
            "packagingKey" => WithCartaPorte(c => c with { PackagingKey = "4GABC" }),
            "cartaPorte" => WithPackage(p => p with { CartaPorte = null }),
            "shipperDropoffDate" => Valid() with { ShipperDropoffDate = "2026-12-03T10:00:00" },
            "expectedDeliveryDate" => Valid() with { ExpectedDeliveryDate = "2026-12-05" },
            "shipperTrackingId" => Valid() with { ShipperTrackingId = "ACME 123" },
            "lotId" => Valid() with { LotId = new string('w', 101) },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        Assert.Equal([expected], Errors(order));
    }

    [Theory]
    [InlineData("a@b", true)]
    [InlineData("@b", false)]
    [InlineData("a@", false)]
    [InlineData("a@b@c", false)]
    [InlineData("a b@c", true)]
    public void An_email_address_is_checked_as_FluentValidation_does_by_default(string email, bool valid)
    {
        Assert.Equal(valid, OrderChecks.IsEmailAddress(email));
        var errors = Errors(Valid() with { RecipientInformation = Valid().RecipientInformation! with { Email = email } });
        Assert.Equal(valid, errors.Length == 0);
    }

    [Fact]
    public void A_whitespace_value_too_long_is_both_missing_and_too_long_and_a_blank_key_both_missing_and_malformed()
    {
        Assert.Equal(
        [
            "MISSING_PARAMETER recipientLocation.street: street is required.",
            "INVALID_PARAMETER recipientLocation.street: The length of 'Street' must be 200 characters or fewer. You entered 201 characters.",
            "MISSING_PARAMETER packageInformation.cartaPorte.productKey: productKey (SAT c_ClaveProdServCP) is required.",
            "INVALID_PARAMETER packageInformation.cartaPorte.productKey: productKey must be the 8-digit SAT product key, e.g. 53111600.",
        ], Errors(WithLocation(l => l with { Street = new string(' ', 201) }) with
        {
            PackageInformation = Valid().PackageInformation! with { CartaPorte = Valid().PackageInformation!.CartaPorte! with { ProductKey = " " } },
        }));
    }

    [Fact]
    public void The_postal_code_may_be_left_out_only_where_the_context_allows_it_and_is_still_checked_when_given()
    {
        var without = WithLocation(l => l with { PostalCode = null });
        Assert.Equal(["MISSING_PARAMETER recipientLocation.postalCode: postalCode is required."], Errors(without));
        Assert.Empty(Errors(without, postalCodeOptional: true));
        Assert.Single(Errors(WithLocation(l => l with { PostalCode = "ABCDE" }), postalCodeOptional: true));

        // Its format is checked only against a country that is one of ours.
        Assert.Equal(["INVALID_PARAMETER recipientLocation.country: Value is not a valid enumeration member; permitted: 'mx', 'co', 'us', 'br'."],
            Errors(WithLocation(l => l with { Country = "fr", PostalCode = "75001" })));
    }

    [Fact]
    public void The_parts_used_as_members_of_a_quote_name_their_failures_under_the_member()
    {
        var quote = new RateRequestValidator().Validate(new RateRequest(
            new RecipientLocationRequest(" MX ", null, null, null, null, null, null, null, "6700", null, null, null),
            new PackageInformationRequest(0, null, null, null, null, null, null), null, null));
        Assert.Equal(
        [
            "INVALID_PARAMETER recipientLocation.postalCode: '6700' is not a postal code of 'mx': expected 5 digits (e.g. 06700).",
            "INVALID_PARAMETER packageInformation.weight: weight must be greater than 0 kg.",
            "MISSING_PARAMETER packageInformation.dimensions: dimensions (cm) are required.",
        ], Show(quote));
    }

    public static TheoryData<IValidator, Type, string[]> Parts => new()
    {
        { new RecipientLocationValidator(), typeof(RecipientLocationRequest), ["Country", "PostalCode", "State", "City", "Street", "ExteriorNumber"] },
        { new DestinationValidator(), typeof(RecipientLocationRequest), ["Country", "PostalCode"] },
        { new RecipientInformationValidator(), typeof(RecipientInformationRequest), ["Name", "Phone"] },
        { new PackageInformationValidator(), typeof(PackageInformationRequest), ["Weight", "Dimensions"] },
        { new CartaPorteValidator(), typeof(CartaPorteRequest), ["ProductKey", "UnitKey", "Quantity", "HazardousMaterial"] },
    };

    /// <summary>What the OpenAPI document's <c>required</c> lists are derived from: each part validated with every member empty.</summary>
    [Theory]
    [MemberData(nameof(Parts))]
    public void Each_part_alone_reports_its_required_fields_as_missing(IValidator validator, Type type, string[] required)
    {
        var empty = RuntimeHelpers.GetUninitializedObject(type);
        var failures = validator.Validate(new ValidationContext<object>(empty)).Errors;
        Assert.Equal(required, failures.Where(ValidationErrors.IsMissing).Select(f => f.PropertyName).ToArray());
    }
}

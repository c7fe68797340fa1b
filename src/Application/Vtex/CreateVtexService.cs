using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// VTEX asks us, as its carrier <c>carrierId</c>, to create a service for <c>orderId</c>. The request is checked against
/// the VTEX schema, its seller mapped to the shipper it ships for, turned into a Cargamos delivery order and put through
/// the same integration layers 2-4 as any order; then a shipment is created (carrier = <c>carrierId</c>) and accepted
/// (PENDING) in one transaction. A retry with the same orderId for the same carrier gets the first answer again.
/// </summary>
internal sealed record CreateVtexService(string VtexAccountId, VtexServiceRequest Service) : ICommand<CreatedVtexService>;

/// <summary>
/// The answer VTEX gets: <see cref="ServiceId"/> is our trackingId; <see cref="Replayed"/> when it was a retry;
/// <see cref="Price"/> the quoted price (null when the shipper has no rate card).
/// </summary>
internal sealed record CreatedVtexService(
    string Status, string ServiceId, Guid ShipmentId, DateTimeOffset ShippingEstimatedDate, bool Replayed, ShipmentPrice? Price = null);

/// <summary>
/// A VTEX order that became a shipment. Its id, <c>{carrierId}/{orderId}</c>, is unique in the database and written in
/// the same transaction as the shipment's stream, so concurrent retries create one shipment.
/// </summary>
internal sealed record VtexOrderKey(
    string Id,
    string CarrierId,
    string OrderId,
    string VtexAccountId,
    string Seller,
    Guid ShipmentId,
    string ServiceId,
    DateTimeOffset ShippingEstimatedDate,
    DateTimeOffset CreatedAt,
    ShipmentPrice? Price = null) : IUniqueOrderKey
{
    public static string IdFor(string carrierId, string orderId) => $"{carrierId}/{orderId}";
}

internal sealed class CreateVtexServiceHandler(
    VtexServiceAccess access,
    IVtexOrders orders,
    ShipperStanding standing,
    DeliveryOrderIntake intake,
    IShipmentCreator store,
    ICaller caller,
    CargamosMetrics metrics) : ICommandHandler<CreateVtexService, CreatedVtexService>
{
    public const string Pending = "PENDING";

    public async ValueTask<CreatedVtexService> Handle(CreateVtexService command, CancellationToken cancellationToken)
    {
        var request = command.Service;
        var (account, shipperId, carrierId) = await access.Admit(command.VtexAccountId, request, cancellationToken);
        var seller = request.Seller!.Trim();

        var orderId = request.OrderId!.Trim();
        if (await orders.Find(carrierId, orderId, cancellationToken) is { } existing)
        {
            return Replay(existing, account.Id);
        }

        var (_, contract) = await standing.Check(shipperId, cancellationToken);
        var mapped = VtexDeliveryOrders.ToDeliveryOrder(request);
        var policy = new IntakePolicy(shipperId, caller.Actor, CarrierId: carrierId, Vtex: VtexDeliveryOrders.ToVtexService(request));
        var admission = await intake.Admit(mapped.Order, contract, policy, cancellationToken);
        if (admission.Shipment is not { } shipment)
        {
            metrics.OrderRejected(CargamosMetrics.Sources.Vtex, admission.Errors);
            throw new AppError(admission.Kind, VtexDeliveryOrders.InVtexTerms(admission.Errors, mapped.Parameters));
        }

        var created = shipment.Created;
        var key = new VtexOrderKey(VtexOrderKey.IdFor(carrierId, orderId), carrierId, orderId, account.Id, seller, created.ShipmentId, created.TrackingId,
            created.Order.ExpectedDeliveryDate, created.At, created.Price);
        var result = await store.Create(ShipmentCreation.OfOne(shipment, LotSources.Vtex, caller.ProcessId, key), cancellationToken);
        if (result.OrderKeyTaken)
        {
            // A concurrent retry of this order stored its key first: answer with its shipment.
            var winner = await orders.Find(carrierId, orderId, cancellationToken)
                ?? throw new InvalidOperationException($"The VTEX order key '{key.Id}' was refused as a duplicate but is not stored.");
            return Replay(winner, account.Id);
        }

        if (result.Rows[0] is { Created: false } refused)
        {
            metrics.OrderRejected(CargamosMetrics.Sources.Vtex, refused.Errors);
            throw new AppError(ErrorKind.Conflict, refused.Errors);
        }

        metrics.OrderAccepted(CargamosMetrics.Sources.Vtex);
        return new CreatedVtexService(Pending, created.TrackingId, created.ShipmentId, created.Order.ExpectedDeliveryDate, false, created.Price);
    }

    /// <summary>A retry gets the first answer again; the same (carrierId, orderId) from another VTEX account is a conflict.</summary>
    private static CreatedVtexService Replay(VtexOrderKey existing, string vtexAccountId) =>
        existing.VtexAccountId == vtexAccountId
            ? new CreatedVtexService(Pending, existing.ServiceId, existing.ShipmentId, existing.ShippingEstimatedDate, true, existing.Price)
            : throw AppError.Conflict("ALREADY_EXISTS", "The resource you tried to create already exists.",
                $"The order '{existing.OrderId}' was already sent to carrier '{existing.CarrierId}' by another VTEX account.", "orderId");
}

/// <summary>
/// How a VTEX service becomes a Cargamos delivery order, and how the errors of that order are told back in VTEX's
/// terms (<c>recipientLocation.postalCode</c> is <c>receiver.zipCode</c> to VTEX). The decisions are documented in
/// docs/vtex-carrier-config.md.
/// </summary>
internal static class VtexDeliveryOrders
{
    /// <summary>What a package weighs when neither it nor its items declare a weight: a placeholder, not an estimate.</summary>
    public const decimal NominalWeightKg = 0.1m;

    /// <summary>Each side of the parcel when no package declares its three sides: a placeholder, not an estimate.</summary>
    public const decimal NominalSideCm = 1m;

    /// <summary>
    /// SAT c_ClaveProdServCP 31181701 "Empaques": the key the SAT's Carta Porte guidance allows couriers and parcel
    /// services to use when they do not know the goods inside the parcels, which is our case (VTEX sends no SAT data).
    /// Unit H87 (pieza), one per VTEX package, not hazardous.
    /// </summary>
    public const string DefaultProductKey = "31181701";

    public const string DefaultUnitKey = "H87";

    private const int InteriorNumberMax = 20;

    private static readonly Dictionary<string, string> Fixed = new(StringComparer.Ordinal)
    {
        ["recipientLocation.country"] = "receiver.country",
        ["recipientLocation.state"] = "receiver.state",
        ["recipientLocation.city"] = "receiver.city",
        ["recipientLocation.neighborhood"] = "receiver.neighborhood",
        ["recipientLocation.street"] = "receiver.address",
        ["recipientLocation.exteriorNumber"] = "receiver.number",
        ["recipientLocation.interiorNumber"] = "receiver.addressComplement",
        ["recipientLocation.postalCode"] = "receiver.zipCode",
        ["recipientLocation.reference"] = "receiver.reference",
        ["recipientLocation.latitude"] = "receiver.location.latitude",
        ["recipientLocation.longitude"] = "receiver.location.longitude",
        ["recipientInformation.name"] = "receiver.name",
        ["recipientInformation.phone"] = "receiver.phone",
        ["recipientInformation.email"] = "receiver.email",
        ["packageInformation.weight"] = "packages",
        ["packageInformation.description"] = "packages",
        ["packageInformation.contents"] = "packages",
        ["shipperDropoffDate"] = "sender.pickupDate",
        ["expectedDeliveryDate"] = "receiver.deliveryDate",
    };

    /// <summary>The delivery order, and the VTEX path of each of its fields (for error messages).</summary>
    public sealed record Mapped(DeliveryOrderRequest Order, IReadOnlyDictionary<string, string> Parameters);

    public static Mapped ToDeliveryOrder(VtexServiceRequest request)
    {
        var receiver = request.Receiver!;
        var country = VtexCountries.ToCode(receiver.Country)!;
        var packages = (request.Packages ?? []).OfType<VtexPackageRequest>().ToList();
        var parameters = new Dictionary<string, string>(Fixed, StringComparer.Ordinal);

        var complement = Clean(receiver.AddressComplement);
        var complementFits = complement is null || complement.Length <= InteriorNumberMax;
        var reference = complementFits ? Clean(receiver.Reference) : Join(" - ", complement, Clean(receiver.Reference));
        if (!complementFits)
        {
            parameters["recipientLocation.reference"] = "receiver.addressComplement";
        }

        var location = new RecipientLocationRequest(
            country, receiver.State, receiver.City, null, receiver.Neighborhood, receiver.Address,
            Clean(receiver.Number) ?? "S/N", complementFits ? complement : null, receiver.ZipCode, reference,
            receiver.Location?.Latitude, receiver.Location?.Longitude);
        var recipient = new RecipientInformationRequest(Clean(receiver.Name) ?? Clean(receiver.ContactName), receiver.Phone, receiver.Email);

        var weight = packages.Count == 0 ? NominalWeightKg : packages.Sum(p => PackageKilograms(p) ?? NominalWeightKg);
        var dimensions = LargestPackage(packages, parameters);
        var declared = packages.Any(p => p.TotalValue.HasValue) ? packages.Sum(p => p.TotalValue ?? 0) : request.OrderValue;
        parameters["packageInformation.declaredValue"] = packages.Any(p => p.TotalValue.HasValue) ? "packages" : "orderValue";
        parameters["packageInformation.cartaPorte"] = "packages";
        var package = new PackageInformationRequest(
            Math.Max(Math.Round(weight, 3), 0.001m),
            dimensions,
            declared,
            CurrencyOf(country),
            Truncate(Join("; ", packages.Select(p => Clean(p.Description)).Distinct().ToArray()), 300),
            Truncate(Join(", ", packages.SelectMany(p => p.Items ?? []).OfType<VtexItemRequest>()
                .Select(i => $"{i.Quantity} x {i.Name?.Trim()}").ToArray()), 300),
            country == "mx" ? new CartaPorteRequest(DefaultProductKey, DefaultUnitKey, Math.Max(packages.Count, 1), false, null, null) : null);

        var order = new DeliveryOrderRequest(location, recipient, package,
            request.Sender!.PickupDate!.Trim(), receiver.DeliveryDate!.Trim(), null, null);
        return new Mapped(order, parameters);
    }

    /// <summary>The intake's errors with VTEX's field names as parameters (and in the details, for the two dates).</summary>
    public static IReadOnlyList<ErrorDetail> InVtexTerms(IReadOnlyList<ErrorDetail> errors, IReadOnlyDictionary<string, string> parameters) =>
        errors.Select(e => e with
        {
            Parameter = e.Parameter is { } p && parameters.TryGetValue(p, out var vtex) ? vtex : e.Parameter,
            Details = e.Details
                .Replace("shipperDropoffDate", "sender.pickupDate", StringComparison.Ordinal)
                .Replace("expectedDeliveryDate", "receiver.deliveryDate", StringComparison.Ordinal),
        }).ToList();

    /// <summary>The request as accepted, kept verbatim on ShipmentCreated for the VTEX service read model.</summary>
    public static VtexService ToVtexService(VtexServiceRequest r)
    {
        var s = r.Sender!;
        var c = r.Receiver!;
        return new VtexService(
            r.OrderId!.Trim(),
            r.Seller!.Trim(),
            new VtexContact(s.Name, s.Phone, s.Email, s.City!, s.State!, s.Country!, s.Address!, s.Neighborhood, s.Number, s.Reference,
                s.AddressComplement, Location(s.Location), s.ZipCode, null, null, Window(s.DeliveryWindow)),
            Date(s.PickupDate)!.Value,
            new VtexContact(c.Name, c.Phone, c.Email, c.City!, c.State!, c.Country!, c.Address!, c.Neighborhood, c.Number, c.Reference,
                c.AddressComplement, Location(c.Location), c.ZipCode, c.Identification, c.ContactName, Window(c.DeliveryWindow)),
            Date(c.DeliveryDate)!.Value,
            (r.Packages ?? []).OfType<VtexPackageRequest>().Select(p => new VtexPackage(
                p.Id!, p.OrderId!, p.Envelope, p.Description, (p.Categories ?? []).OfType<string>().ToList(),
                p.Dimensions is { } d ? new VtexDimensions(d.Width, d.Height, d.Length) : null,
                p.Weight, p.TotalValue,
                (p.Items ?? []).OfType<VtexItemRequest>()
                    .Select(i => new VtexItem(i.Id!, i.Name!, i.Ean!, i.RefId, i.Image, i.Type, i.Price!.Value, i.Weight, i.Quantity!.Value))
                    .ToList())).ToList(),
            r.Type!,
            r.CarrierServiceType!,
            r.Comments,
            r.PaymentMethod!,
            (r.Settings ?? []).OfType<VtexSettingRequest>().Select(x => new VtexSetting(x.Label, x.Value, x.Key)).ToList(),
            new VtexTimezone(r.Timezone!.Offset!.Value, r.Timezone.Value!.Trim(), null));
    }

    public static string CurrencyOf(string country) => country switch
    {
        "mx" => "MXN",
        "co" => "COP",
        "us" => "USD",
        "br" => "BRL",
        _ => throw new ArgumentOutOfRangeException(nameof(country), country, null),
    };

    /// <summary>The package's declared weight; else its items' (weight per unit times quantity); else unknown.</summary>
    private static decimal? PackageKilograms(VtexPackageRequest package)
    {
        if (VtexMeasures.Kilograms(package.Weight) is > 0 and var own)
        {
            return own;
        }

        var items = (package.Items ?? []).OfType<VtexItemRequest>()
            .Select(i => VtexMeasures.Kilograms(i.Weight) * (i.Quantity ?? 1))
            .Where(w => w > 0)
            .ToList();
        return items.Count > 0 ? items.Sum() : null;
    }

    /// <summary>The sides of the largest package (by volume) that declares all three; else the nominal parcel.</summary>
    private static DimensionsRequest LargestPackage(List<VtexPackageRequest> packages, Dictionary<string, string> parameters)
    {
        var sized = packages
            .Select((p, index) => (Index: index, Length: VtexMeasures.Centimeters(p.Dimensions?.Length) ?? 0,
                Width: VtexMeasures.Centimeters(p.Dimensions?.Width) ?? 0, Height: VtexMeasures.Centimeters(p.Dimensions?.Height) ?? 0))
            .Where(p => p.Length > 0 && p.Width > 0 && p.Height > 0)
            .OrderByDescending(p => p.Length * p.Width * p.Height)
            .ThenBy(p => p.Index)
            .ToList();
        if (sized.Count == 0)
        {
            parameters["packageInformation.dimensions"] = "packages";
            parameters["packageInformation.dimensions.length"] = "packages";
            parameters["packageInformation.dimensions.width"] = "packages";
            parameters["packageInformation.dimensions.height"] = "packages";
            return new DimensionsRequest(NominalSideCm, NominalSideCm, NominalSideCm);
        }

        var largest = sized[0];
        var path = $"packages[{largest.Index}].dimensions";
        parameters["packageInformation.dimensions"] = path;
        parameters["packageInformation.dimensions.length"] = path + ".length";
        parameters["packageInformation.dimensions.width"] = path + ".width";
        parameters["packageInformation.dimensions.height"] = path + ".height";
        return new DimensionsRequest(Math.Round(largest.Length, 2), Math.Round(largest.Width, 2), Math.Round(largest.Height, 2));
    }

    private static VtexGeoLocation? Location(VtexLocationRequest? l) => l is null ? null : new VtexGeoLocation(l.Latitude, l.Longitude);

    private static VtexDeliveryWindow? Window(VtexDeliveryWindowRequest? w) =>
        w is null ? null : new VtexDeliveryWindow(w.Name, Date(w.InitialDate), Date(w.FinalDate));

    private static DateTimeOffset? Date(string? value) => DeliveryOrderRequestValidator.ParseDate(value);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Join(string separator, params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return present.Count == 0 ? null : string.Join(separator, present);
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..(max - 1)] + "…";
}

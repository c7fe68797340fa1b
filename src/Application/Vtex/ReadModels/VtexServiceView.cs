using System.Text.Json;
using System.Text.Json.Serialization;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Vtex.ReadModels;

// The VTEX Pick and Pack ServiceResponseDto, one document per shipment, written inline with the shipment's events.
// The records are the wire shape: property order is the order of the document's example response, every field is
// always written (null when blank) and the API renders enums as ON_ROUTE / COMMENT / PDF and dates as UTC with
// milliseconds. Timeline and top-level metaData are free JSON (AWSJSON in the document's schema).

/// <summary>
/// A shipment as a VTEX carrier reads it (<c>GET /tracking/hook/{carrierId}/{serviceId}</c>). <see cref="CarrierName"/>
/// and <see cref="CarrierLogo"/> are not stored: they are filled from the carrier directory when read.
/// </summary>
internal sealed record VtexServiceView(
    Guid Id,
    string OrderId,
    string CarrierId,
    string ServiceId,
    string? CarrierName,
    string Seller,
    ShipmentStatus Status,
    string Type,
    IReadOnlyList<VtexServiceLabel> Labels,
    IReadOnlyList<VtexServiceEvidence> Evidences,
    IReadOnlyList<VtexServicePackage> Packages,
    IReadOnlyList<VtexTimelineEntry> Timeline,
    IReadOnlyList<VtexServiceNote> Notes,
    VtexServiceTimezone? Timezone,
    string? CarrierLogo,
    string? TrackingUrl,
    string? Comments,
    string? PaymentMethod,
    string? CarrierServiceType,
    decimal? ShippingPrice,
    VtexRate? Rate,
    DateTimeOffset? ShippingEstimatedDate,
    DateTimeOffset? ShippingFinishedDate,
    JsonElement? MetaData,
    IReadOnlyList<string> Tags)
{
    /// <summary>
    /// Where the shipment stands (<see cref="Status"/> and what an interruption remembers), as <see cref="ShipmentStatusRule"/>
    /// folds it: a resume returns to its <see cref="StatusPosition.HeldFrom"/>. Not part of the VTEX document, so never
    /// served ([JsonIgnore]); the document store writes it with the view (Infrastructure's Marten serializer adds it back).
    /// </summary>
    [JsonIgnore]
    public StatusPosition Position { get; init; } = StatusPosition.Created;

    /// <summary>The VTEX serviceId of a shipment: <c>{carrierId}&amp;{trackingId}</c> (the document's '{carrierId}&amp;{serviceIdFromCarrier}').</summary>
    public static string ServiceIdOf(string carrierId, string trackingId) => $"{carrierId}&{trackingId}";
}

/// <summary>An amount in minor units (cents) and its ISO 4217 currency, as the current VTEX protocol states prices.</summary>
internal sealed record VtexMoney(long Value, string Currency);

/// <summary>
/// The current protocol's <c>rate</c>: the shipping and insurance prices quoted when the shipment was created, in cents.
/// Null when the shipper has no rate card.
/// </summary>
internal sealed record VtexRate(VtexMoney ShippingPrice, VtexMoney InsurancePrice)
{
    public static VtexRate? Of(ShipmentPrice? price) => price is null
        ? null
        : new VtexRate(new VtexMoney(ShipmentPrice.Cents(price.Shipping), price.Currency), new VtexMoney(ShipmentPrice.Cents(price.Insurance), price.Currency));
}

internal sealed record VtexServiceLabel(string Id, string Url, string Name, LabelType Type);

internal sealed record VtexServiceEvidence(EvidenceType Type, DateTimeOffset Date, string? Content, string? Author);

internal sealed record VtexServiceNote(NoteType Type, DateTimeOffset Date, string Content, string? Author);

internal sealed record VtexServiceDimensions(string? Height, string? Length, string? Width);

internal sealed record VtexServiceItem(
    string Id, string Name, string Ean, int Quantity, decimal Price, string? RefId, string? Image, string? Type, string? Weight);

internal sealed record VtexServicePackage(
    string Id,
    string OrderId,
    string? Envelope,
    VtexServiceDimensions? Dimensions,
    string? Weight,
    decimal? TotalValue,
    IReadOnlyList<VtexServiceItem> Items,
    IReadOnlyList<string> Categories,
    string? Description);

internal sealed record VtexServiceTimezone(double Offset, string Value, string? Label);

internal enum VtexTimelineType { Status, Evidence, Note, Label, Other }

/// <summary>
/// One entry of the service's timeline: one per shipment event, in stream order. <see cref="Id"/> is the event's id;
/// <see cref="Date"/>, <see cref="CreatedAt"/> and <see cref="UpdatedAt"/> are the event's business time.
/// </summary>
internal sealed record VtexTimelineEntry(
    Guid Id,
    DateTimeOffset Date,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    VtexTimelineType Type,
    string? Description,
    string? Author,
    JsonElement? MetaData);

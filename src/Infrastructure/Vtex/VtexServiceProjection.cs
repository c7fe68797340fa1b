using System.Globalization;
using System.Text.Json;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Infrastructure.Shipments.Contracts;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Cargamos.Modular.Infrastructure.Vtex;

/// <summary>
/// The VTEX service view (the document's <c>ServiceResponseDto</c>), inline so a service is readable as soon as it is
/// created. One timeline entry per event, in stream order, identified by the event's id and dated by its business time
/// (with the default Quick append mode an inline projection sees neither sequence, version nor commit timestamp). Only
/// the event itself and the document are read, so a rebuild gives the same document. The status moves by
/// <see cref="ShipmentStatusRule"/>, over the position the document keeps (<see cref="VtexServiceView.Position"/>).
/// </summary>
internal sealed partial class VtexServiceProjection : SingleStreamProjection<VtexServiceView, Guid>
{
    public const string SystemAuthor = "System";

    /// <summary>An order integrated through the Cargamos API has no VTEX type: it is a delivery.</summary>
    public const string ApiServiceType = "DELIVERY";

    // metaData is free JSON kept as a JsonElement: values are rendered to their VTEX text here (ON_ROUTE, COMMENT,
    // UTC dates with milliseconds, as VtexJson writes them), so the element reads the same wherever it is written.
    private const string VtexDateFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private static readonly JsonSerializerOptions MetaDataJson = new(JsonSerializerDefaults.Web);

    public VtexServiceProjection() => ShipmentProjectionRebuild.Configure(Options);

    public override VtexServiceView? Evolve(VtexServiceView? snapshot, Guid id, IEvent e)
    {
        if (e.Data is ShipmentCreated created)
        {
            return Create(created, e.Id);
        }

        if (snapshot is null || e.Data is not IShipmentEvent shipmentEvent)
        {
            return snapshot;
        }

        var at = shipmentEvent.At;

        // The status comes from the one rule the aggregate, the tracking view and the webhooks fold; every status
        // event is a timeline entry, a repeated status (a reassignment, a second incident) too.
        if (ShipmentStatusRule.After(snapshot.Position, e.Data) is { } position)
        {
            var moved = Move(snapshot, e.Id, at, position, StatusDescription(e.Data), Reason(e.Data));
            return e.Data is ShipmentReturned or ShipmentDelivered or ShipmentCanceled ? moved with { ShippingFinishedDate = at } : moved;
        }

        return e.Data switch
        {
            TrackingDetailsUpdated updated => Track(snapshot, e.Id, updated),
            NoteAdded added => snapshot with
            {
                Notes = [.. snapshot.Notes, .. added.Notes.Select(n => new VtexServiceNote(n.Type, at, n.Note, n.Author))],
                Timeline = [.. snapshot.Timeline, Entry(e.Id, at, VtexTimelineType.Note, "A new note has been added",
                    added.Notes.Select(n => n.Author).FirstOrDefault(a => a is not null) ?? NameOf(added.By),
                    Indexed(added.Notes.Select(n => new NoteMetaData(Code(n.Type), n.Note, n.Author))))],
            },
            EvidenceAdded added => snapshot with
            {
                Evidences = [.. snapshot.Evidences, .. added.Evidences.Select(v => new VtexServiceEvidence(v.Type, at, v.Content, v.Author))],
                Timeline = [.. snapshot.Timeline, Entry(e.Id, at, VtexTimelineType.Evidence, "Added evidence",
                    added.Evidences.Select(v => v.Author).FirstOrDefault(a => a is not null) ?? NameOf(added.By),
                    Indexed(added.Evidences.Select(v => new EvidenceMetaData(Code(v.Type), v.Content, v.Author))))],
            },
            LabelAdded added => snapshot with
            {
                // A label sent again with the same id replaces the first one (as on the write model).
                Labels = [.. snapshot.Labels.Where(l => l.Id != added.Label.Id),
                    new VtexServiceLabel(added.Label.Id, added.Label.Url, added.Label.Name, added.Label.Type)],
                Timeline = [.. snapshot.Timeline, Entry(e.Id, at, VtexTimelineType.Label, "A new label has been added", NameOf(added.By),
                    Element(new LabelMetaData(added.Label.Id, added.Label.Url, added.Label.Name, Code(added.Label.Type))))],
            },
            _ => snapshot,
        };
    }

    /// <summary>
    /// The view with its metaData objects in the key order this projection writes (the document's: rating,
    /// totalDistanceTraveled, trackingUrl, status; type, note, author; id, url, name, type). PostgreSQL's jsonb keeps
    /// object keys in its own order (shortest first), so free JSON loaded from the database comes back reordered.
    /// </summary>
    public static VtexServiceView InWrittenOrder(VtexServiceView view) => view with
    {
        Timeline = view.Timeline.Select(e => e.MetaData is { } m ? e with { MetaData = InWrittenOrder(m) } : e).ToList(),
    };

    // One order serves every metaData shape written above (each shape's keys are a subsequence of it); keys not in it
    // (none today) keep their relative order after the known ones, indexes ("0", "1", ...) go in numeric order.
    private static readonly string[] KeyOrder =
    [
        "id", "url", "name", "identification", "phone", "email", "vehicle", "type", "note", "content", "author",
        "rating", "totalDistanceTraveled", "trackingUrl", "shippingPrice", "shippingEstimatedDate", "agent", "status",
    ];

    private static JsonElement InWrittenOrder(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return element;
        }

        var ordered = element.EnumerateObject()
            .Select((property, position) => (property, position))
            .OrderBy(p => int.TryParse(p.property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue)
            .ThenBy(p => Array.IndexOf(KeyOrder, p.property.Name) is var rank and >= 0 ? rank : KeyOrder.Length)
            .ThenBy(p => p.position)
            .Select(p => KeyValuePair.Create(p.property.Name, InWrittenOrder(p.property.Value)));
        return Element(new Dictionary<string, JsonElement>(ordered, StringComparer.Ordinal));
    }

    private static VtexServiceView Create(ShipmentCreated created, Guid eventId)
    {
        var vtex = created.Vtex;
        var order = created.Order;
        var orderId = vtex?.OrderId ?? order.ShipperTrackingId ?? created.TrackingId;
        IReadOnlyList<VtexServicePackage> packages = vtex is null
            ? [ApiPackage(created.TrackingId, orderId, order.PackageInformation)]
            : vtex.Packages.Select(p => new VtexServicePackage(
                p.Id, p.OrderId, p.Envelope,
                p.Dimensions is { } d ? new VtexServiceDimensions(d.Height, d.Length, d.Width) : null,
                p.Weight, p.TotalValue,
                p.Items.Select(i => new VtexServiceItem(i.Id, i.Name, i.Ean, i.Quantity, i.Price, i.RefId, i.Image, i.Type, i.Weight)).ToList(),
                p.Categories.ToList(), p.Description)).ToList();

        return new VtexServiceView(
            created.ShipmentId,
            orderId,
            created.CarrierId,
            VtexServiceView.ServiceIdOf(created.CarrierId, created.TrackingId),
            CarrierName: null,
            vtex?.Seller ?? created.ShipperId,
            ShipmentStatus.Created,
            vtex?.Type ?? ApiServiceType,
            Labels: [],
            Evidences: [],
            packages,
            Timeline: [Entry(eventId, created.At, VtexTimelineType.Status, "Service creation", SystemAuthor, null)],
            Notes: [],
            vtex?.Timezone is { } tz ? new VtexServiceTimezone(tz.Offset, tz.Value, tz.Label) : null,
            CarrierLogo: null,
            TrackingUrl: null,
            vtex?.Comments,
            vtex?.PaymentMethod,
            vtex?.CarrierServiceType,
            // The quoted shipping price in cents, as the protocol states prices, until the carrier reports one.
            ShippingPrice: created.Price is { } price ? ShipmentPrice.Cents(price.Shipping) : null,
            VtexRate.Of(created.Price),
            // What the service creation answered VTEX (the order's expected delivery date) until the carrier reports one.
            order.ExpectedDeliveryDate,
            ShippingFinishedDate: null,
            MetaData: null,
            Tags: []);
    }

    /// <summary>An order integrated through the Cargamos API as one VTEX package (kilograms and centimetres, as integrated).</summary>
    private static VtexServicePackage ApiPackage(string trackingId, string orderId, PackageInformation package) => new(
        trackingId,
        orderId,
        Envelope: null,
        new VtexServiceDimensions(Number(package.Dimensions.Height), Number(package.Dimensions.Length), Number(package.Dimensions.Width)),
        Number(package.Weight),
        package.DeclaredValue,
        Items: [],
        Categories: [],
        package.Description);

    private static string StatusDescription(object @event) => @event switch
    {
        ShipmentAccepted => "Service pending",
        ShipmentAssigned => "Assigned courier",
        ShipmentPicked => "Courier picked the package",
        ShipmentWentOnRoute => "Courier on route",
        IncidentReported => "Incident reported",
        ShipmentReturned => "The package was returned",
        ShipmentDelivered => "The package was delivered",
        ShipmentCanceled => "Service canceled",
        ShipmentPutOnHold => "Service on hold",
        ShipmentResumed => "Service resumed",
        _ => "Status changed",
    };

    /// <summary>Why a service was canceled or put on hold (type and comment, as the carrier or VTEX gave them); null for other moves.</summary>
    private static (string Type, string? Comment)? Reason(object @event) => @event switch
    {
        ShipmentCanceled canceled => (Code(canceled.Type), canceled.Comment),
        ShipmentPutOnHold held => (Code(held.Type), held.Comment),
        _ => null,
    };

    private static VtexServiceView Move(VtexServiceView view, Guid eventId, DateTimeOffset at, StatusPosition position, string description,
        (string Type, string? Comment)? reason)
    {
        var (rating, distance) = CurrentDetails(view);
        var status = position.Status;
        var metaData = reason is { } why
            ? Element(new ReasonedStatusMetaData(rating, distance, view.TrackingUrl, status.ToCode(), why.Type, why.Comment))
            : Element(new StatusMetaData(rating, distance, view.TrackingUrl, status.ToCode()));
        return view with
        {
            Status = status,
            Position = position,
            Timeline = [.. view.Timeline, Entry(eventId, at, VtexTimelineType.Status, description, SystemAuthor, metaData)],
        };
    }

    private static VtexServiceView Track(VtexServiceView view, Guid eventId, TrackingDetailsUpdated updated)
    {
        var c = updated.Changes;
        var (rating, distance) = CurrentDetails(view);
        rating = c.Rating ?? rating;
        distance = c.TotalDistanceTraveled ?? distance;
        var trackingUrl = c.TrackingUrl ?? view.TrackingUrl;

        // Details sent with a status in one request (PATCH {status, trackingUrl, ...}) are recorded after the status
        // event, at the same instant: show them on that request's status entries too, as VTEX shows a PATCH.
        var timeline = view.Timeline.ToList();
        for (var i = timeline.Count - 1; i >= 0 && timeline[i].Date == updated.At && timeline[i].Type == VtexTimelineType.Status; i--)
        {
            if (StatusCodeOf(timeline[i]) is { } code && timeline[i].MetaData is not null)
            {
                timeline[i] = timeline[i] with { MetaData = Element(new StatusMetaData(rating, distance, trackingUrl, code)) };
            }
        }

        var changed = new Dictionary<string, object?>(StringComparer.Ordinal);
        Add(changed, "rating", c.Rating);
        Add(changed, "totalDistanceTraveled", c.TotalDistanceTraveled);
        Add(changed, "trackingUrl", c.TrackingUrl);
        Add(changed, "shippingPrice", c.ShippingPrice);
        Add(changed, "shippingEstimatedDate", c.ShippingEstimatedDate is { } date ? Date(date) : null);
        if (updated.Agent is { } agent)
        {
            changed["agent"] = new AgentMetaData(agent.Id, agent.Name, agent.Identification, agent.Phone, agent.Email,
                agent.Vehicle is { } vehicle ? Code(vehicle) : null);
        }

        timeline.Add(Entry(eventId, updated.At, VtexTimelineType.Other, "Tracking details updated", SystemAuthor, Element(changed)));
        return view with
        {
            TrackingUrl = trackingUrl,
            ShippingPrice = c.ShippingPrice ?? view.ShippingPrice,
            ShippingEstimatedDate = c.ShippingEstimatedDate ?? view.ShippingEstimatedDate,
            Timeline = timeline,
        };
    }

    private static void Add(Dictionary<string, object?> fields, string name, object? value)
    {
        if (value is not null)
        {
            fields[name] = value;
        }
    }

    // The timeline is the view's history, so the view keeps no hidden bookkeeping: the latest rating and distance are
    // the newest status entry's (a full snapshot) unless a later "Tracking details updated" entry changed them.
    private static (decimal? Rating, int? Distance) CurrentDetails(VtexServiceView view)
    {
        decimal? rating = null;
        int? distance = null;
        bool ratingKnown = false, distanceKnown = false;
        for (var i = view.Timeline.Count - 1; i >= 0 && !(ratingKnown && distanceKnown); i--)
        {
            var entry = view.Timeline[i];
            if (entry.MetaData is not { ValueKind: JsonValueKind.Object } metaData
                || entry.Type is not (VtexTimelineType.Status or VtexTimelineType.Other))
            {
                continue;
            }

            var snapshot = entry.Type == VtexTimelineType.Status;
            if (!ratingKnown && (snapshot || metaData.TryGetProperty("rating", out _)))
            {
                rating = metaData.TryGetProperty("rating", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDecimal() : null;
                ratingKnown = true;
            }

            if (!distanceKnown && (snapshot || metaData.TryGetProperty("totalDistanceTraveled", out _)))
            {
                distance = metaData.TryGetProperty("totalDistanceTraveled", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : null;
                distanceKnown = true;
            }
        }

        return (rating, distance);
    }

    /// <summary>The status a STATUS entry recorded ("Service creation" has no metaData: CREATED); null for other entries.</summary>
    private static string? StatusCodeOf(VtexTimelineEntry entry) =>
        entry.Type != VtexTimelineType.Status ? null
        : entry.MetaData is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("status", out var s) ? s.GetString()
        : ShipmentStatus.Created.ToCode();

    private static VtexTimelineEntry Entry(Guid eventId, DateTimeOffset at, VtexTimelineType type, string description, string? author, JsonElement? metaData) =>
        new(eventId, at, at, at, type, description, author, metaData);

    /// <summary>VTEX's indexed objects: <c>{"0": {...}, "1": {...}}</c>.</summary>
    private static JsonElement Indexed<T>(IEnumerable<T> items) =>
        Element(items.Select((item, index) => (item, index)).ToDictionary(x => x.index.ToString(CultureInfo.InvariantCulture), x => x.item));

    private static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value, MetaDataJson);

    private static string? NameOf(Actor by) => by.Name ?? by.Id;

    private static string Code<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString(VtexDateFormat, CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    private sealed record StatusMetaData(decimal? Rating, int? TotalDistanceTraveled, string? TrackingUrl, string Status);

    /// <summary>A cancel's or hold's STATUS entry: the reason's type (END_CLIENT_CANCELED, END_CLIENT_PAUSE...) and comment too.</summary>
    private sealed record ReasonedStatusMetaData(decimal? Rating, int? TotalDistanceTraveled, string? TrackingUrl, string Status, string Type, string? Comment);

    private sealed record NoteMetaData(string Type, string Note, string? Author);

    private sealed record EvidenceMetaData(string Type, string Content, string? Author);

    private sealed record LabelMetaData(string Id, string Url, string Name, string Type);

    private sealed record AgentMetaData(string Id, string Name, string? Identification, string? Phone, string? Email, string? Vehicle);
}

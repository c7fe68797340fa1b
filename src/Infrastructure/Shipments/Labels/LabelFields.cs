using System.Globalization;
using System.Text;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Infrastructure.Shipments.Labels;

/// <summary>What a label prints, as text, the same for the PDF and the ZPL label (each lays it out its own way).</summary>
internal sealed record LabelFields(
    string TrackingId,
    string TrackingUrl,
    bool Canceled,
    string Sender,
    string RecipientName,
    IReadOnlyList<string> Address,
    string? Reference,
    string? Phone,
    string PostalCodeAndCountry,
    IReadOnlyList<(string Name, string Value)> Details)
{
    public const string CanceledBand = "CANCELED - DO NOT SHIP";

    public static LabelFields Of(LabelContent label)
    {
        var s = label.Shipment;
        var order = s.Order;
        var location = order?.RecipientLocation;
        var package = order?.PackageInformation;
        var details = new List<(string, string)>
        {
            ("Shipment", s.Id.ToString()),
            ("Carrier", s.CarrierId),
        };
        Add(details, "Zone", s.ZoneId);
        Add(details, "Promised", s.PromisedDate?.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture));
        if (package is not null)
        {
            var d = package.Dimensions;
            details.Add(("Package", string.Create(CultureInfo.InvariantCulture,
                $"{package.Weight:0.###} kg, {d.Length:0.##} x {d.Width:0.##} x {d.Height:0.##} cm")));
        }

        Add(details, "Shipper ref", s.ShipperTrackingId);
        Add(details, "Lot", s.ShipperLotId ?? s.IntegrationLotId?.ToString(CultureInfo.InvariantCulture));

        var address = new List<string>();
        if (location is not null)
        {
            AddLine(address, Join(" ", location.Street, location.ExteriorNumber, location.InteriorNumber is { } inner ? $"Int. {inner}" : null));
            AddLine(address, location.Neighborhood);
            AddLine(address, Join(", ", location.Municipality, location.City, location.State));
        }

        return new LabelFields(
            s.TrackingId,
            label.TrackingUrl,
            s.Status == ShipmentStatus.Canceled,
            $"Cargamos, for shipper {Clean(s.ShipperId)}",
            Clean(order?.RecipientInformation.Name) ?? "(recipient not recorded)",
            address,
            Clean(location?.Reference),
            Clean(order?.RecipientInformation.Phone),
            location is null ? "" : Join(" ", location.PostalCode is null ? null : "CP", location.PostalCode, location.Country.ToUpperInvariant()) ?? "",
            details);
    }

    /// <summary>Printable text: control characters (line breaks included) become spaces, runs of spaces one.</summary>
    public static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var printable = char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c;
            if (printable != ' ' || (text.Length > 0 && text[^1] != ' '))
            {
                text.Append(printable);
            }
        }

        return text.Length == 0 ? null : text.ToString().TrimEnd();
    }

    private static void Add(List<(string, string)> details, string name, string? value)
    {
        if (Clean(value) is { } clean)
        {
            details.Add((name, clean));
        }
    }

    private static void AddLine(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Add(line);
        }
    }

    private static string? Join(string separator, params string?[] parts)
    {
        var present = parts.Select(Clean).OfType<string>().ToList();
        return present.Count == 0 ? null : string.Join(separator, present);
    }
}

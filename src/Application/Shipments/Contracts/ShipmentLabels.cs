namespace Cargamos.Modular.Application.Shipments.Contracts;

/// <summary>The two label formats: a 4x6 in PDF page, or ZPL for 203 dpi thermal printers.</summary>
public enum LabelFormat { Pdf, Zpl }

/// <summary>What one label prints: the shipment, and the public tracking page its QR code points to.</summary>
public sealed record LabelContent(ShipmentTracking Shipment, string TrackingUrl);

/// <summary>A rendered label file: one page (PDF) or one <c>^XA ... ^XZ</c> block (ZPL) per shipment, in order.</summary>
public sealed record RenderedLabels(byte[] Content, LabelFormat Format, string FileName);

/// <summary>Draws shipping labels. Implemented in Infrastructure (PDFsharp, ZXing.Net), so Application knows no drawing library.</summary>
public interface ILabelRenderer
{
    /// <summary>One file with one label per item of <paramref name="labels"/>, in their order.</summary>
    byte[] Render(IReadOnlyList<LabelContent> labels, LabelFormat format);
}

/// <summary>The public addresses a label names and the anonymous, expiring links to a shipment's label.</summary>
public interface ILabelLinks
{
    /// <summary>The public tracking page of a trackingId (<c>{Labels:PublicBaseUrl}/t/{trackingId}</c>), encoded in the label's QR code.</summary>
    string TrackingPage(string trackingId);

    /// <summary>A signed link that downloads the shipment's label without credentials until it expires (<c>Labels:LinkLifetime</c>).</summary>
    string Label(Guid shipmentId, LabelFormat format);

    /// <summary>The shipment a link's token names; null when the token is altered, expired or not ours.</summary>
    Guid? ShipmentOf(string token);
}

using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>Turns resolved shipments into one label file: each label's tracking page, the renderer, the file name.</summary>
internal sealed class ShipmentLabelPrinter(ILabelRenderer renderer, ILabelLinks links)
{
    public RenderedLabels Print(IReadOnlyList<ShipmentTracking> shipments, LabelFormat format)
    {
        var labels = shipments.Select(s => new LabelContent(s, links.TrackingPage(s.TrackingId))).ToList();
        var name = shipments.Count == 1 ? $"label-{shipments[0].TrackingId}" : $"labels-{shipments.Count}";
        return new RenderedLabels(renderer.Render(labels, format), format, $"{name}.{format.ToString().ToLowerInvariant()}");
    }
}

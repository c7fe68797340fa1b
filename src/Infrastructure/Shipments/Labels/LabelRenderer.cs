using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Shipments.Labels;

internal sealed class LabelRenderer : ILabelRenderer
{
    public byte[] Render(IReadOnlyList<LabelContent> labels, LabelFormat format) => format switch
    {
        LabelFormat.Pdf => PdfLabels.Render(labels),
        LabelFormat.Zpl => ZplLabels.Render(labels),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}

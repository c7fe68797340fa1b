using System.Globalization;
using Mediator;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>
/// A spreadsheet template: a header with every column of a delivery order and one example row, whose dates are the next
/// operating day in Mexico City (so the example itself integrates under the demo contracts).
/// </summary>
internal sealed record GetDeliveryOrderTemplate(SpreadsheetFormat Format) : IQuery<byte[]>;

internal sealed class GetDeliveryOrderTemplateHandler(ISpreadsheetFiles files, TimeProvider clock) : IQueryHandler<GetDeliveryOrderTemplate, byte[]>
{
    public ValueTask<byte[]> Handle(GetDeliveryOrderTemplate query, CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Mexico_City");
        var day = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).Date.AddDays(1);
        while (day.DayOfWeek == DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }

        string Iso(DateTime local) => new DateTimeOffset(local, zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var example = DeliveryOrderFields.Columns.Select(c => c.Path switch
        {
            "shipperDropoffDate" => Iso(day.AddHours(10)),
            "expectedDeliveryDate" => Iso(day.AddDays(2).AddHours(18)),
            "packageInformation.cartaPorte.hazardousMaterialKey" => null,
            _ => c.Example,
        }).ToList();
        return ValueTask.FromResult(files.Template(query.Format, example));
    }
}

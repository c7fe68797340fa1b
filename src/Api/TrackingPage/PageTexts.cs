using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Api.TrackingPage;

/// <summary>Every word the tracking page shows, in one of its languages; status labels and what each status means for the recipient.</summary>
internal sealed record PageTexts(
    string Title,
    string TrackingNumber,
    string StatusHeading,
    string DetailsHeading,
    string For,
    string PromisedDelivery,
    string By,
    string Between,
    string Carrier,
    string Evidences,
    string LastUpdate,
    string TimelineHeading,
    string TimesIn,
    string TimesInUtc,
    string LanguageNavigation,
    string NotFoundTitle,
    string NotFoundText,
    string TooManyTitle,
    string TooManyText,
    IReadOnlyDictionary<ShipmentStatus, (string Label, string Meaning)> Statuses)
{
    public static PageTexts Of(PageLanguage language) => language.Code switch
    {
        "pt" => Portuguese,
        "en" => English,
        _ => Spanish,
    };

    private static readonly PageTexts Spanish = new(
        "Seguimiento de tu envío",
        "Número de seguimiento",
        "Estado",
        "Detalles",
        "Para",
        "Entrega prometida",
        "a más tardar a las {0}",
        "Entre el {0} y el {1}",
        "Paquetería",
        "Pruebas de entrega",
        "Última actualización",
        "Historial",
        "Horas en la zona de destino ({0}).",
        "Horas en UTC (la zona de destino no se conoce).",
        "Idioma",
        "No encontramos este envío",
        "Revisa el número de seguimiento que te compartió la tienda. Si acabas de comprar, puede tardar unos minutos en aparecer.",
        "Demasiadas consultas",
        "Hiciste muchas consultas seguidas. Vuelve a intentarlo en {0} segundos.",
        new Dictionary<ShipmentStatus, (string, string)>
        {
            [ShipmentStatus.Created] = ("Registrado", "La tienda registró tu envío."),
            [ShipmentStatus.Pending] = ("Confirmado", "La paquetería aceptó tu envío y pronto le asignará un repartidor."),
            [ShipmentStatus.Assigned] = ("Repartidor asignado", "Un repartidor recogerá tu paquete."),
            [ShipmentStatus.Picked] = ("Recolectado", "El repartidor ya tiene tu paquete."),
            [ShipmentStatus.OnRoute] = ("En camino", "Tu paquete va en camino a la dirección de entrega."),
            [ShipmentStatus.Incident] = ("Incidencia", "Hubo un problema con la entrega; la paquetería lo está resolviendo."),
            [ShipmentStatus.Returned] = ("Devuelto", "El paquete se devolvió a la tienda."),
            [ShipmentStatus.Delivered] = ("Entregado", "Tu paquete fue entregado."),
            [ShipmentStatus.Canceled] = ("Cancelado", "El envío fue cancelado."),
            [ShipmentStatus.OnHold] = ("En pausa", "El envío está en pausa por el momento."),
        });

    private static readonly PageTexts Portuguese = new(
        "Rastreamento da sua entrega",
        "Código de rastreamento",
        "Situação",
        "Detalhes",
        "Para",
        "Entrega prometida",
        "até as {0}",
        "Entre {0} e {1}",
        "Transportadora",
        "Comprovantes de entrega",
        "Última atualização",
        "Histórico",
        "Horários no fuso do destino ({0}).",
        "Horários em UTC (o fuso do destino não é conhecido).",
        "Idioma",
        "Não encontramos esta entrega",
        "Confira o código de rastreamento que a loja enviou. Se a compra é recente, ele pode levar alguns minutos para aparecer.",
        "Muitas consultas",
        "Você fez muitas consultas seguidas. Tente de novo em {0} segundos.",
        new Dictionary<ShipmentStatus, (string, string)>
        {
            [ShipmentStatus.Created] = ("Registrado", "A loja registrou a sua entrega."),
            [ShipmentStatus.Pending] = ("Confirmado", "A transportadora aceitou a sua entrega e logo designará um entregador."),
            [ShipmentStatus.Assigned] = ("Entregador designado", "Um entregador vai coletar o seu pacote."),
            [ShipmentStatus.Picked] = ("Coletado", "O entregador já está com o seu pacote."),
            [ShipmentStatus.OnRoute] = ("A caminho", "O seu pacote está a caminho do endereço de entrega."),
            [ShipmentStatus.Incident] = ("Ocorrência", "Houve um problema na entrega; a transportadora está resolvendo."),
            [ShipmentStatus.Returned] = ("Devolvido", "O pacote foi devolvido à loja."),
            [ShipmentStatus.Delivered] = ("Entregue", "O seu pacote foi entregue."),
            [ShipmentStatus.Canceled] = ("Cancelado", "A entrega foi cancelada."),
            [ShipmentStatus.OnHold] = ("Em espera", "A entrega está em espera no momento."),
        });

    private static readonly PageTexts English = new(
        "Track your delivery",
        "Tracking number",
        "Status",
        "Details",
        "For",
        "Promised delivery",
        "by {0}",
        "Between {0} and {1}",
        "Carrier",
        "Proofs of delivery",
        "Last update",
        "History",
        "Times in the destination's time zone ({0}).",
        "Times in UTC (the destination's time zone is not known).",
        "Language",
        "We could not find this delivery",
        "Check the tracking number the store gave you. If you ordered just now, it may take a few minutes to appear.",
        "Too many requests",
        "You made many requests in a row. Please try again in {0} seconds.",
        new Dictionary<ShipmentStatus, (string, string)>
        {
            [ShipmentStatus.Created] = ("Registered", "The store registered your delivery."),
            [ShipmentStatus.Pending] = ("Confirmed", "The carrier accepted your delivery and will assign a courier soon."),
            [ShipmentStatus.Assigned] = ("Courier assigned", "A courier will pick up your parcel."),
            [ShipmentStatus.Picked] = ("Picked up", "The courier has your parcel."),
            [ShipmentStatus.OnRoute] = ("On the way", "Your parcel is on its way to the delivery address."),
            [ShipmentStatus.Incident] = ("Delivery issue", "Something went wrong with the delivery; the carrier is working on it."),
            [ShipmentStatus.Returned] = ("Returned", "The parcel was returned to the store."),
            [ShipmentStatus.Delivered] = ("Delivered", "Your parcel was delivered."),
            [ShipmentStatus.Canceled] = ("Canceled", "The delivery was canceled."),
            [ShipmentStatus.OnHold] = ("On hold", "The delivery is on hold for now."),
        });
}

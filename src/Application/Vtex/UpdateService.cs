using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>The courier as a carrier reports it (VTEX <c>agent</c>).</summary>
[RequiredFields("id", "name")]
internal sealed record AgentRequest(string? Id, string? Name, string? Identification, string? Phone, string? Email, Vehicle? Vehicle);

/// <summary>The body of <c>PATCH /tracking/hook/{carrierId}/{serviceId}</c>.</summary>
internal sealed record UpdateServiceRequest(
    ShipmentStatus? Status,
    AgentRequest? Agent,
    string? TrackingUrl,
    int? TotalDistanceTraveled,
    decimal? Rating,
    decimal? ShippingPrice,
    DateTimeOffset? ShippingEstimatedDate);

/// <summary>A carrier reports a status and/or tracking details; goes through the transition table.</summary>
internal sealed record UpdateService(string CarrierId, string ServiceId, UpdateServiceRequest Update) : ICommand<ShipmentVersion>;

internal sealed class UpdateServiceValidator : AbstractValidator<UpdateService>
{
    /// <summary>The statuses a carrier may report through PATCH (cancel and on-hold have their own endpoints).</summary>
    public static readonly ShipmentStatus[] Reportable =
    [
        ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Picked, ShipmentStatus.OnRoute,
        ShipmentStatus.Incident, ShipmentStatus.Returned, ShipmentStatus.Delivered,
    ];

    public UpdateServiceValidator()
    {
        RuleFor(c => c.Update.Status).Must(s => Reportable.Contains(s!.Value)).When(c => c.Update.Status.HasValue)
            .WithMessage($"Value is not a valid enumeration member; permitted: {string.Join(", ", Reportable.Select(s => $"'{s.ToCode()}'"))}.")
            .OverridePropertyName("status");
        RuleFor(c => c.Update.Agent!.Id).NotEmpty().When(c => c.Update.Agent is not null).OverridePropertyName("agent.id");
        RuleFor(c => c.Update.Agent!.Name).NotEmpty().When(c => c.Update.Agent is not null).OverridePropertyName("agent.name");
        RuleFor(c => c.Update.Agent!.Email).EmailAddress().When(c => !string.IsNullOrEmpty(c.Update.Agent?.Email)).OverridePropertyName("agent.email");
        RuleFor(c => c.Update.TrackingUrl).Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            .When(c => c.Update.TrackingUrl is not null).WithMessage("trackingUrl must be an absolute http(s) URL.").OverridePropertyName("trackingUrl");
        RuleFor(c => c.Update.TotalDistanceTraveled).GreaterThanOrEqualTo(0).OverridePropertyName("totalDistanceTraveled");
        RuleFor(c => c.Update.Rating).InclusiveBetween(1, 5).OverridePropertyName("rating");
        RuleFor(c => c.Update.ShippingPrice).GreaterThanOrEqualTo(0).OverridePropertyName("shippingPrice");
        RuleFor(c => c.Update).Must(u => u.Status.HasValue || u.Agent is not null || u.TrackingUrl is not null || u.TotalDistanceTraveled.HasValue
                || u.Rating.HasValue || u.ShippingPrice.HasValue || u.ShippingEstimatedDate.HasValue)
            .WithErrorCode("MISSING_PARAMETER").WithMessage("The update is empty: send a status or at least one tracking detail.").OverridePropertyName("status");
    }
}

internal sealed class UpdateServiceHandler(CarrierShipments shipments) : ICommandHandler<UpdateService, ShipmentVersion>
{
    public async ValueTask<ShipmentVersion> Handle(UpdateService command, CancellationToken cancellationToken)
    {
        var u = command.Update;
        var agent = u.Agent is null ? null : new CourierAgent(u.Agent.Id!, u.Agent.Name!, u.Agent.Identification, u.Agent.Phone, u.Agent.Email, u.Agent.Vehicle);
        var report = new StatusReport(u.Status, agent,
            new TrackingDetails(u.TrackingUrl, u.TotalDistanceTraveled, u.Rating, u.ShippingPrice, u.ShippingEstimatedDate));
        return await shipments.Decide(command.CarrierId, command.ServiceId, (s, by, now) => ShipmentDecisions.ReportStatus(s, report, by, now), cancellationToken);
    }
}

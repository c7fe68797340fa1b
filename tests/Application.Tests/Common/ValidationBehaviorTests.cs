using Cargamos.Modular.Application.Common.Behaviors;
using Cargamos.Modular.Application.Shipments;
using FluentValidation;

namespace Cargamos.Modular.Application.Tests.Common;

public sealed class ValidationBehaviorTests
{
    [Fact]
    public async Task GivenSeveralInvalidFields_WhenSent_ThenAllFailuresComeAtOnceAndTheHandlerDoesNotRun()
    {
        var behavior = new ValidationBehavior<GetShipmentState, Domain.Shipments.Shipment>([new GetShipmentStateValidator()]);
        var handlerRan = false;

        var error = await Assert.ThrowsAsync<ValidationException>(() => behavior.Handle(
            new GetShipmentState("", -1, null),
            (_, _) => { handlerRan = true; return default; },
            default).AsTask());

        Assert.False(handlerRan);
        Assert.Equal(new[] { "Id", "Version" }, error.Errors.Select(e => e.PropertyName).Order().ToArray());
    }
}

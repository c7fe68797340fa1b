using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Infrastructure.Vtex;

/// <summary>
/// The VTEX service view is the VTEX document's wire shape, so its <see cref="VtexServiceView.Position"/> is
/// [JsonIgnore]d for every serializer; the document store alone writes and reads it back, so the projection can move the
/// status by the one rule after a reload or a rebuild.
/// </summary>
internal static class VtexServiceViewStorage
{
    private const string PositionName = "position";

    private static readonly PropertyInfo PositionProperty = typeof(VtexServiceView).GetProperty(nameof(VtexServiceView.Position))!;

    public static void IncludePosition(JsonTypeInfo info)
    {
        if (info.Type != typeof(VtexServiceView) || info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        // The resolver lists the [JsonIgnore]d property as ignored: replace it by one that is read and written.
        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i].Name == PositionName)
            {
                info.Properties.RemoveAt(i);
            }
        }

        var position = info.CreateJsonPropertyInfo(typeof(StatusPosition), PositionName);
        position.Get = view => ((VtexServiceView)view).Position;

        // An init-only property of a reference type: set after the constructor, as System.Text.Json does for any property.
        position.Set = (view, value) => PositionProperty.SetValue(view, value);
        info.Properties.Add(position);
    }
}

using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Cargamos.Modular.Architecture.Tests;

/// <summary>
/// Reads, from the compiled assemblies, which types each type uses: signatures, base types, attributes and method
/// bodies (calls, fields, locals, casts). Nested and compiler-generated types (closures, state machines) count as
/// their outermost declaring type, so a lambda's dependencies belong to the class that wrote it.
/// </summary>
internal static class TypeDependencies
{
    /// <summary>For every top-level type of the assembly at <paramref name="path"/>: its full name and the full names of the types it uses.</summary>
    public static IReadOnlyDictionary<string, HashSet<string>> Read(string path)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(path);
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.MainModule.Types)
        {
            if (type.Name.StartsWith('<'))
            {
                continue;
            }

            var used = new HashSet<string>(StringComparer.Ordinal);
            Collect(type, used);
            used.Remove(type.FullName);
            result[type.FullName] = used;
        }

        return result;
    }

    private static void Collect(TypeDefinition type, HashSet<string> used)
    {
        Add(type.BaseType, used);
        foreach (var i in type.Interfaces)
        {
            Add(i.InterfaceType, used);
        }

        Attributes(type.CustomAttributes, used);
        foreach (var p in type.GenericParameters)
        {
            foreach (var c in p.Constraints)
            {
                Add(c.ConstraintType, used);
            }
        }

        foreach (var f in type.Fields)
        {
            Add(f.FieldType, used);
            Attributes(f.CustomAttributes, used);
        }

        foreach (var p in type.Properties)
        {
            Add(p.PropertyType, used);
            Attributes(p.CustomAttributes, used);
        }

        foreach (var e in type.Events)
        {
            Add(e.EventType, used);
        }

        foreach (var m in type.Methods)
        {
            Method(m, used);
            Attributes(m.CustomAttributes, used);
            foreach (var p in m.Parameters)
            {
                Attributes(p.CustomAttributes, used);
            }

            if (!m.HasBody)
            {
                continue;
            }

            foreach (var v in m.Body.Variables)
            {
                Add(v.VariableType, used);
            }

            foreach (var instruction in m.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t, used);
                        break;
                    case MethodReference called:
                        Method(called, used);
                        break;
                    case FieldReference field:
                        Add(field.DeclaringType, used);
                        Add(field.FieldType, used);
                        break;
                    case CallSite site:
                        Add(site.ReturnType, used);
                        break;
                }
            }
        }

        foreach (var nested in type.NestedTypes)
        {
            Collect(nested, used);
        }
    }

    private static void Method(MethodReference method, HashSet<string> used)
    {
        Add(method.DeclaringType, used);
        Add(method.ReturnType, used);
        foreach (var p in method.Parameters)
        {
            Add(p.ParameterType, used);
        }

        if (method is GenericInstanceMethod generic)
        {
            foreach (var argument in generic.GenericArguments)
            {
                Add(argument, used);
            }
        }
    }

    private static void Attributes(IEnumerable<CustomAttribute> attributes, HashSet<string> used)
    {
        foreach (var a in attributes)
        {
            Add(a.AttributeType, used);
            foreach (var argument in a.ConstructorArguments)
            {
                if (argument.Value is TypeReference t)
                {
                    Add(t, used);
                }
            }
        }
    }

    private static void Add(TypeReference? type, HashSet<string> used)
    {
        switch (type)
        {
            case null or GenericParameter:
                return;
            case GenericInstanceType generic:
                Add(generic.ElementType, used);
                foreach (var argument in generic.GenericArguments)
                {
                    Add(argument, used);
                }

                return;
            case TypeSpecification specification:
                Add(specification.ElementType, used);
                return;
        }

        var outer = type;
        while (outer.DeclaringType is not null)
        {
            outer = outer.DeclaringType;
        }

        used.Add(outer.FullName);
    }
}

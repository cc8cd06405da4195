import Mustache

/// A page model as nested dictionaries, made once before rendering. The template engine looks each name
/// up by reflecting the value it is in (and every value above it when the name is not there): a table of
/// 50 rows reflected its rows thousands of times per page. Reflected once here, a lookup is a dictionary's.
/// Same meaning for the templates: a field that is `nil` is left out, as an absent one (both look further
/// up); arrays stay arrays; strings, numbers, truth values and anything with its own rendering stay as they are.
enum ModelBox {
    static func box(_ value: Any) -> Any {
        switch value {
        case is String, is Int, is Bool, is Double, is Substring: return value
        case is MustacheCustomRenderable, is MustacheParent, is MustacheLambda: return value
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct where !(value is CustomStringConvertible):
            var fields: [String: Any] = [:]
            fields.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                guard let label = child.label, let present = unwrapped(child.value) else { continue }
                fields[label] = box(present)
            }
            return fields
        case .collection:
            guard let array = value as? [Any] else { return value }
            return array.map { element in unwrapped(element).map(box) ?? element }
        default:
            return value
        }
    }

    /// The value an optional holds (nil when it holds none); any other value as it is.
    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrapped($0.value) } ?? nil
    }
}

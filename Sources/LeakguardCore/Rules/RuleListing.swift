/// How `rules list` and the README's validator table describe a rule's validator.
public enum RuleListing {
    /// `{"method", "host", "url", "sends"}`: a rule's validator in `rules list --format json`.
    public static func validatorJSON(_ validator: Validator) -> JSONValue {
        .object([
            ("method", .string(validator.method.rawValue)),
            ("host", .string(validator.host)),
            ("url", .string(validator.url)),
            ("sends", .string(validator.secretPlacement)),
        ])
    }

    /// The README's table: one row per rule with a validator: what is sent where.
    public static func validatorTable(_ rules: [Rule]) -> String {
        var out = "| Rule | Request | Secret sent as | Live when | Invalid when |\n"
        out += "| --- | --- | --- | --- | --- |\n"
        for rule in rules {
            guard let v = rule.validator else { continue }
            let live = v.live.map(String.init).joined(separator: ", ") + (v.jsonField.map { " and `\($0)` is true" } ?? "")
            let invalid = v.invalid.map(String.init).joined(separator: ", ") + (v.jsonField.map { " (or `\($0)` false)" } ?? "")
            out += "| `\(rule.id)` | `\(v.method.rawValue) \(v.url)` | \(v.secretPlacement) | \(live) | \(invalid) |\n"
        }
        return out
    }
}

/// How `rules list --format json` and the README's validator table describe a rule.
public enum RuleListing {
    /// `{"id", "severity", "description", "validator": {"method", "host", "url", "sends"} | null}`.
    public static func json(_ rule: Rule) -> JSONValue {
        .object([
            ("id", .string(rule.id)),
            ("severity", .string(rule.severity.rawValue)),
            ("description", .string(rule.description)),
            ("validator", rule.validator.map(validatorJSON) ?? .null),
        ])
    }

    static func validatorJSON(_ validator: Validator) -> JSONValue {
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

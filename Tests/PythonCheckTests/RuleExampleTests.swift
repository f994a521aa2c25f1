import PythonCheck
import Foundation
import Testing

/// Every example of every rule runs through the checker: examples must trigger their rule (at the
/// `↓` marker when there is one), negative examples must not.
@Suite struct RuleExampleTests {
    @Test func ruleIdsAreUniqueAndEveryRuleHasExamples() {
        let ids = PythonCheck.rules.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids) == ["ai-backoff-missing", "ai-backoff-constant", "ai-backoff-unbounded", "ai-rate-limit-swallowed", "ai-key-hardcoded", "ai-output-unmoderated"])
        for rule in PythonCheck.rules {
            #expect(!(rule.examples.isEmpty), "\(rule.id) has no triggering examples")
            #expect(!(rule.negativeExamples.isEmpty), "\(rule.id) has no non-triggering examples")
            #expect(!(rule.summary.isEmpty), "\(rule.id) has no summary")
        }
    }

    @Test func triggeringExamples() {
        for rule in PythonCheck.rules {
            for example in rule.examples {
                let (code, marker) = example.source
                let result = check(code)
                let where_ = "\(rule.id) example at \(example.file):\(example.line)"
                #expect(result.parseNote == nil, "\(where_) did not parse")
                let hits = result.findings.filter { $0.ruleID == rule.id }
                #expect(!(hits.isEmpty), "\(where_) did not trigger; got:\n\(describe(result))")
                if let marker, !hits.isEmpty {
                    let expected = position(ofOffset: marker, in: code)
                    #expect(hits.contains { $0.line == expected.line && $0.column == expected.column }, "\(where_) triggered at \(hits.map { "\($0.line):\($0.column)" }), not at the marker \(expected.line):\(expected.column)")
                }
                for hit in hits {
                    #expect(hit.severity == rule.severity, "\(where_) has the wrong severity")
                }
            }
        }
    }

    @Test func nonTriggeringExamples() {
        for rule in PythonCheck.rules {
            for example in rule.negativeExamples {
                let (code, _) = example.source
                let result = check(code)
                let where_ = "\(rule.id) negative example at \(example.file):\(example.line)"
                #expect(result.parseNote == nil, "\(where_) did not parse")
                let hits = result.findings.filter { $0.ruleID == rule.id }
                #expect(hits.isEmpty, "\(where_) triggered:\n\(describe(result))")
            }
        }
    }
}

import PythonCheck
import XCTest

/// Every example of every rule runs through the checker: examples must trigger their rule (at the
/// `↓` marker when there is one), negative examples must not.
final class RuleExampleTests: XCTestCase {
    func testRuleIdsAreUniqueAndEveryRuleHasExamples() {
        let ids = PythonCheck.rules.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertEqual(Set(ids), ["ai-backoff-missing", "ai-backoff-constant", "ai-backoff-unbounded", "ai-rate-limit-swallowed", "ai-key-hardcoded", "ai-output-unmoderated"])
        for rule in PythonCheck.rules {
            XCTAssertFalse(rule.examples.isEmpty, "\(rule.id) has no triggering examples")
            XCTAssertFalse(rule.negativeExamples.isEmpty, "\(rule.id) has no non-triggering examples")
            XCTAssertFalse(rule.summary.isEmpty, "\(rule.id) has no summary")
        }
    }

    func testTriggeringExamples() {
        for rule in PythonCheck.rules {
            for example in rule.examples {
                let (code, marker) = example.source
                let result = check(code)
                let where_ = "\(rule.id) example at \(example.file):\(example.line)"
                XCTAssertNil(result.parseNote, "\(where_) did not parse")
                let hits = result.findings.filter { $0.ruleID == rule.id }
                XCTAssertFalse(hits.isEmpty, "\(where_) did not trigger; got:\n\(describe(result))")
                if let marker, !hits.isEmpty {
                    let expected = position(ofOffset: marker, in: code)
                    XCTAssertTrue(hits.contains { $0.line == expected.line && $0.column == expected.column },
                                  "\(where_) triggered at \(hits.map { "\($0.line):\($0.column)" }), not at the marker \(expected.line):\(expected.column)")
                }
                for hit in hits {
                    XCTAssertEqual(hit.severity, rule.severity, "\(where_) has the wrong severity")
                }
            }
        }
    }

    func testNonTriggeringExamples() {
        for rule in PythonCheck.rules {
            for example in rule.negativeExamples {
                let (code, _) = example.source
                let result = check(code)
                let where_ = "\(rule.id) negative example at \(example.file):\(example.line)"
                XCTAssertNil(result.parseNote, "\(where_) did not parse")
                let hits = result.findings.filter { $0.ruleID == rule.id }
                XCTAssertTrue(hits.isEmpty, "\(where_) triggered:\n\(describe(result))")
            }
        }
    }
}

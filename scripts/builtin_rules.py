"""Compiles rules/*.toml into Swift (Sources/LeakguardCore/Rules/BuiltInRules.generated.swift).

The pack is embedded twice: as `Rule` values built by plain Swift code, so start-up never parses
TOML (603 rules cost ~15 ms of parsing), and as the TOML text, for the staleness test and for
anyone who wants to read the rules from the binary. Unknown keys are an error here: the
built-in pack must use the schema exactly.
"""
import glob, os, sys, tomllib

RULE_KEYS = {"id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags", "severity",
             "multiline", "anchor", "allowlist", "allowlists", "examples", "negativeExamples", "gitleaksIds", "rotate",
             "validate"}
ALLOW_KEYS = {"description", "condition", "regexTarget", "regexes", "paths", "stopwords", "commits", "targetRules"}


def swift(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == "\\": out.append("\\\\")
        elif ch == '"': out.append('\\"')
        elif ch == "\n": out.append("\\n")
        elif ch == "\r": out.append("\\r")
        elif ch == "\t": out.append("\\t")
        elif o < 0x20 or o == 0x7F: out.append("\\u{%X}" % o)
        else: out.append(ch)
    out.append('"')
    return "".join(out)


def strings(xs):
    return "[" + ", ".join(swift(x) for x in xs) + "]"


def allowlist(a, where):
    unknown = set(a) - ALLOW_KEYS
    if unknown:
        sys.exit(f"{where}: unknown allowlist keys {sorted(unknown)}")
    cond = a.get("condition", "OR").upper()
    target = a.get("regexTarget", "secret").lower()
    return ("Allowlist(description: %s, condition: .%s, regexTarget: .%s, regexes: %s, paths: %s, stopwords: %s, "
            "commits: %s, targetRules: %s)" % (swift(a.get("description", "")), cond.lower(), target,
                                               strings(a.get("regexes", [])), strings(a.get("paths", [])),
                                               strings(a.get("stopwords", [])), strings(a.get("commits", [])),
                                               strings(a.get("targetRules", []))))


VALIDATE_KEYS = {"method", "url", "headers", "basicAuth", "form", "json", "capture", "pair", "sign", "live", "invalid",
                 "jsonField"}


def pairs(table):
    return "[" + ", ".join("(%s, %s)" % (swift(k), swift(v)) for k, v in table.items()) + "]"


def validator(v, where):
    """A [rules.validate] table as a Validator value. The same table is also loaded through
    ConfigLoader.parseValidator from the embedded text, whose safety checks a test runs on
    every built-in validator and compares with these values."""
    unknown = set(v) - VALIDATE_KEYS
    if unknown:
        sys.exit(f"{where}: unknown validate keys {sorted(unknown)}")
    url = v["url"]
    if not url.startswith("https://"):
        sys.exit(f"{where}: validator url must be https")
    host = url[len("https://"):].split("/")[0].split("?")[0].lower()
    body = "nil"
    if "form" in v: body = ".form(%s)" % pairs(v["form"])
    if "json" in v: body = ".json(%s)" % pairs(v["json"])
    pair = "nil" if "pair" not in v else ".init(rule: %s, variable: %s)" % (swift(v["pair"]["rule"]), swift(v["pair"]["as"]))
    sign = "nil"
    if "sign" in v:
        g = v["sign"]
        functions = {"aws-sigv4": "awsSigV4"}
        sign = ".init(function: .%s, region: %s, service: %s, keyID: %s)" % (
            functions[g["function"]], swift(g["region"]), swift(g["service"]), swift(g["keyId"]))
    def opt(key):
        return "nil" if key not in v else swift(v[key])
    def ints(key, default):
        return "[" + ", ".join(str(i) for i in v.get(key, default)) + "]"
    return ("Validator(method: .%s, url: %s, host: %s, headers: %s, basicAuth: %s, body: %s, capture: %s, "
            "pair: %s, signature: %s, live: %s, invalid: %s, jsonField: %s)" % (
                v.get("method", "GET").upper(), swift(url), swift(host), pairs(v.get("headers", {})), opt("basicAuth"),
                body, opt("capture"), pair, sign, ints("live", [200]), ints("invalid", [401, 403]), opt("jsonField")))


def rule(r, origin):
    unknown = set(r) - RULE_KEYS
    if unknown:
        sys.exit(f"{origin}: rule {r.get('id')}: unknown keys {sorted(unknown)}")
    lists = ([r["allowlist"]] if "allowlist" in r else []) + r.get("allowlists", [])
    args = [
        "id: " + swift(r["id"]),
        "description: " + swift(r.get("description", "")),
        "regex: " + swift(r.get("regex", "")),
        "secretGroup: %d" % r.get("secretGroup", 0),
        "entropy: " + ("nil" if "entropy" not in r else repr(float(r["entropy"]))),
        "keywords: " + strings(r.get("keywords", [])),
        "path: " + ("nil" if "path" not in r else swift(r["path"])),
        "tags: " + strings(r.get("tags", [])),
        "severity: ." + r.get("severity", "error").lower(),
        "multiline: " + ("nil" if "multiline" not in r else ("true" if r["multiline"] else "false")),
        "anchor: ." + r.get("anchor", "line"),
        "allowlists: [" + ", ".join(allowlist(a, f"{origin}: {r['id']}") for a in lists) + "]",
        "examples: " + strings(r.get("examples", [])),
        "negativeExamples: " + strings(r.get("negativeExamples", [])),
        "origin: " + swift(origin),
    ]
    lines = ["        r = Rule(" + ",\n                 ".join(args) + ")"]
    lines.append("        r.gitleaksIDs = " + strings(r.get("gitleaksIds", [])))
    if "rotate" in r:
        lines.append("        r.rotate = " + swift(r["rotate"]))
    if "validate" in r:
        lines.append("        r.validator = " + validator(r["validate"], f"{origin}: {r['id']}"))
    lines.append("        c.rules.append(r)")
    return "\n".join(lines)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = sorted(glob.glob(os.path.join(root, "rules", "*.toml")))
    out = ["// Generated by scripts/generate-builtin-rules from rules/*.toml. Do not edit.",
           "// swiftlint:disable all", "", "enum BuiltInRules {",
           "    /// The pack as values: no TOML is parsed at start-up.",
           "    static func configuration() -> Configuration {",
           "        var c = Configuration()"]
    for f in files:
        out.append("        add_%s(&c)" % os.path.basename(f)[:-5].replace("-", "_"))
    out += ["        return c", "    }", ""]
    texts = []
    for f in files:
        name = os.path.basename(f)
        text = open(f, encoding="utf-8").read()
        data = tomllib.loads(text)
        unknown = set(data) - {"title", "rules", "allowlists", "allowlist"}
        if unknown:
            sys.exit(f"{name}: unknown top-level keys {sorted(unknown)}")
        out.append("    private static func add_%s(_ c: inout Configuration) {" % name[:-5].replace("-", "_"))
        out.append("        var r: Rule")
        for r in data.get("rules", []):
            out.append(rule(r, "rules/" + name))
        for a in ([data["allowlist"]] if "allowlist" in data else []) + data.get("allowlists", []):
            out.append("        c.allowlists.append(%s)" % allowlist(a, name))
        out.append("        _ = r")
        out.append("    }")
        out.append("")
        texts.append((name, text))
    out.append("    /// The rule files as written, for the staleness test and `rules` tooling.")
    out.append("    static let files: [(name: String, text: String)] = [")
    for name, text in texts:
        out.append("        (%s, %s)," % (swift(name), swift(text)))
    out.append("    ]")
    out.append("}")
    path = os.path.join(root, "Sources/LeakguardCore/Rules/BuiltInRules.generated.swift")
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    os.replace(path + ".tmp", path)
    print(f"wrote {os.path.relpath(path, root)} ({sum(len(tomllib.loads(t).get('rules', [])) for _, t in texts)} rules)")


if __name__ == "__main__":
    main()

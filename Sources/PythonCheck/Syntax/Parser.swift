import LeakguardBase

/// A tolerant structural parser over the token stream. It knows Python's statements and
/// expression precedence well enough to build imports, assignments, definitions, blocks and calls
/// with their arguments; what it does not understand it skips, counting a recovery, so it always
/// finishes. Every loop consumes a token or stops, and recursion is capped at `maxDepth`.
struct Parser {
    private let tokens: [Token]
    private var p = 0
    private(set) var nodes: [Node] = []
    private(set) var lists: [Int32] = []
    private(set) var moreLists: [MoreLists] = []
    /// The `import` and `from … import` statements, in the order they were made.
    private(set) var imports: [Int32] = []
    private var scratch: [Int32] = []
    private var depth = 0
    private(set) var firstRecovery: Int?
    private(set) var recoveryMessage = ""

    /// How deeply expressions and blocks may nest (each bracket, operand chain or block is one
    /// level). CPython refuses more than 200 nested parentheses and 100 indentation levels; this
    /// stays at the smaller so the parser's stack use stays small on any thread.
    static let maxDepth = 100

    init(tokens: [Token]) {
        self.tokens = tokens
        nodes.reserveCapacityPreferringHugePages(tokens.count + 4)
        lists.reserveCapacityPreferringHugePages(tokens.count / 2 + 4)
    }

    // MARK: Helpers

    @inline(__always) private var current: Token { tokens[p] }
    @inline(__always) private func peek(_ offset: Int = 1) -> Token { tokens[min(p + offset, tokens.count - 1)] }
    @inline(__always) private mutating func advance() { if p < tokens.count - 1 { p += 1 } }
    @inline(__always) private var lastToken: Int32 { Int32(max(0, p - 1)) }

    private mutating func recover(_ message: String) {
        if firstRecovery == nil {
            firstRecovery = Int(tokens[p].start)
            recoveryMessage = message
        }
    }

    @inline(__always)
    private mutating func add(_ node: Node) -> Int32 {
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    /// Adds a node with a second or third child list (kept aside, see `Node`).
    private mutating func add(_ node: Node, list2: NodeList, list3: NodeList = .empty) -> Int32 {
        var node = node
        if list2.count > 0 || list3.count > 0 {
            node.more = Int32(moreLists.count)
            moreLists.append(MoreLists(list2: list2, list3: list3))
        }
        return add(node)
    }

    private mutating func commit(from base: Int) -> NodeList {
        let count = scratch.count - base
        if count == 0 { return .empty }
        let list = NodeList(start: Int32(lists.count), count: Int32(count))
        lists.append(contentsOf: scratch[base...])
        scratch.removeSubrange(base...)
        return list
    }

    private mutating func enter() -> Bool {
        depth += 1
        if depth > Parser.maxDepth {
            recover("nesting too deep")
            return false
        }
        return true
    }

    /// Skips the rest of the logical line after nesting got too deep.
    private mutating func skipTooDeep() -> Int32 {
        let start = Int32(p)
        while current.kind != .newline && current.kind != .end { advance() }
        return add(Node(kind: .error, first: start, last: max(start, lastToken)))
    }

    @inline(__always) private func isClosing(_ t: Token) -> Bool {
        t.kind == .op && (t.code == Op.rparen.rawValue || t.code == Op.rbracket.rawValue || t.code == Op.rbrace.rawValue)
    }

    @inline(__always) private func atLineEnd(_ t: Token) -> Bool {
        t.kind == .newline || t.kind == .end || t.kind == .indent || t.kind == .dedent
    }

    private func canStartExpression(_ t: Token) -> Bool {
        switch t.kind {
        case .number, .string: return true
        case .name:
            switch t.keyword {
            case .none, .kTrue, .kFalse, .kNone, .kNot, .kLambda, .kAwait, .kYield: return true
            default: return false
            }
        case .op:
            switch t.op {
            case .lparen, .lbracket, .lbrace, .minus, .plus, .tilde, .star, .doubleStar, .ellipsis: return true
            default: return false
            }
        default: return false
        }
    }

    private mutating func expect(_ op: Op) -> Bool {
        if current.isOp(op) { advance(); return true }
        return false
    }

    // MARK: Statements

    mutating func parseModule() -> Int32 {
        let base = scratch.count
        while current.kind != .end {
            let before = p
            parseStatement()
            if p == before { recover("unexpected token"); advance() }
        }
        let body = commit(from: base)
        return add(Node(kind: .module, first: 0, last: Int32(tokens.count - 1), list1: body))
    }

    /// Parses the statements of an indented block after its INDENT, through its DEDENT.
    private mutating func parseIndentedStatements() -> NodeList {
        let base = scratch.count
        while true {
            let t = current
            if t.kind == .dedent { advance(); break }
            if t.kind == .end { break }
            let before = p
            parseStatement()
            if p == before { recover("unexpected token"); advance() }
        }
        return commit(from: base)
    }

    /// Parses a block after its header's colon: an indented suite, or simple statements on the
    /// same line.
    private mutating func parseBlock() -> NodeList {
        if current.kind == .newline {
            advance()
            if current.kind == .indent {
                advance()
                guard enter() else {
                    depth -= 1
                    skipIndentedBlock()
                    return .empty
                }
                defer { depth -= 1 }
                return parseIndentedStatements()
            }
            recover("expected an indented block")
            return .empty
        }
        let base = scratch.count
        parseSimpleStatements()
        return commit(from: base)
    }

    private mutating func skipIndentedBlock() {
        var level = 1
        while current.kind != .end && level > 0 {
            if current.kind == .indent { level += 1 } else if current.kind == .dedent { level -= 1 }
            advance()
        }
    }

    /// Skips to the colon that ends a compound statement's header (tolerating junk before it).
    private mutating func expectHeaderColon() {
        if expect(.colon) { return }
        recover("expected ':'")
        while !atLineEnd(current) && !current.isOp(.colon) { advance() }
        _ = expect(.colon)
    }

    /// Parses one statement (a line of simple statements pushes several) onto `scratch`.
    private mutating func parseStatement() {
        let t = current
        switch t.kind {
        case .newline, .dedent:
            advance()
            return
        case .indent:
            // An unexpected indent: keep the block's statements, inside an `other` node.
            recover("unexpected indent")
            let start = Int32(p)
            advance()
            let body = parseIndentedStatements()
            scratch.append(add(Node(kind: .other, first: start, last: lastToken), list2: body))
            return
        case .op where t.code == Op.at.rawValue:
            parseDecorated()
            return
        case .name:
            switch t.keyword {
            case .kDef: scratch.append(parseFunction(decorators: .empty, start: Int32(p), isAsync: false)); return
            case .kClass: scratch.append(parseClass(decorators: .empty, start: Int32(p))); return
            case .kIf: scratch.append(parseIf()); return
            case .kWhile: scratch.append(parseWhile()); return
            case .kFor: scratch.append(parseFor(start: Int32(p), isAsync: false)); return
            case .kTry: scratch.append(parseTry()); return
            case .kWith: scratch.append(parseWith(start: Int32(p), isAsync: false)); return
            case .kAsync:
                let next = peek()
                if next.isKeyword(.kDef) { let s = Int32(p); advance(); scratch.append(parseFunction(decorators: .empty, start: s, isAsync: true)); return }
                if next.isKeyword(.kFor) { let s = Int32(p); advance(); scratch.append(parseFor(start: s, isAsync: true)); return }
                if next.isKeyword(.kWith) { let s = Int32(p); advance(); scratch.append(parseWith(start: s, isAsync: true)); return }
            case .kElif, .kElse, .kExcept, .kFinally:
                recover("a clause without its statement")
                scratch.append(parseGenericCompound(parseHeader: false))
                return
            case .none:
                if isSoftKeywordCompound() {
                    scratch.append(parseGenericCompound(parseHeader: true))
                    return
                }
            default:
                break
            }
        default:
            break
        }
        parseSimpleStatements()
    }

    /// `match x:` and `case pattern:` are soft keywords: a line starting with either name and
    /// ending in a colon followed by an indented block.
    private func isSoftKeywordCompound() -> Bool {
        guard case let next = peek(), next.kind == .name || next.kind == .number || next.kind == .string || next.isOp(.lparen) || next.isOp(.lbracket) || next.isOp(.lbrace) || next.isOp(.minus) || next.isOp(.star) else { return false }
        var i = p
        while i < tokens.count && tokens[i].kind != .newline && tokens[i].kind != .end { i += 1 }
        guard i + 1 < tokens.count, i > p, tokens[i - 1].isOp(.colon), tokens[i + 1].kind == .indent else { return false }
        return true
    }

    /// Parses a compound statement this parser does not model (`match`, `case`, or a stray
    /// `else:`): its header expressions when asked, and its body.
    private mutating func parseGenericCompound(parseHeader: Bool) -> Int32 {
        let start = Int32(p)
        advance()
        let base = scratch.count
        if parseHeader && !current.isOp(.colon) {
            // `case` patterns are not all expressions: keep what parses, skip the rest quietly.
            let recovery = (firstRecovery, recoveryMessage)
            let before = p
            scratch.append(parseTestList())
            if p == before { advance() }
            (firstRecovery, recoveryMessage) = recovery
        }
        let headerParts = commit(from: base)
        while !atLineEnd(current) && !current.isOp(.colon) { advance() }
        _ = expect(.colon)
        let body = parseBlock()
        return add(Node(kind: .other, first: start, last: lastToken, list1: headerParts), list2: body)
    }

    private mutating func parseDecorated() {
        let start = Int32(p)
        let base = scratch.count
        while current.isOp(.at) {
            advance()
            scratch.append(parseNamedExpression())
            if current.kind == .newline { advance() } else { recover("expected a newline after a decorator"); skipToLineEnd() }
        }
        let decorators = commit(from: base)
        if current.isKeyword(.kDef) {
            scratch.append(parseFunction(decorators: decorators, start: start, isAsync: false))
        } else if current.isKeyword(.kAsync) && peek().isKeyword(.kDef) {
            advance()
            scratch.append(parseFunction(decorators: decorators, start: start, isAsync: true))
        } else if current.isKeyword(.kClass) {
            scratch.append(parseClass(decorators: decorators, start: start))
        } else {
            recover("a decorator must precede a definition")
        }
    }

    private mutating func skipToLineEnd() {
        while current.kind != .newline && current.kind != .end { advance() }
        if current.kind == .newline { advance() }
    }

    /// Skips `[T, U]` type parameters (PEP 695) after a definition's name.
    private mutating func skipTypeParameters() {
        guard current.isOp(.lbracket) else { return }
        var level = 0
        repeat {
            if current.isOp(.lbracket) { level += 1 } else if current.isOp(.rbracket) { level -= 1 }
            advance()
        } while level > 0 && current.kind != .end && current.kind != .newline
    }

    private mutating func parseFunction(decorators: NodeList, start: Int32, isAsync: Bool) -> Int32 {
        advance()  // def
        var name: Int32 = -1
        if current.kind == .name { name = Int32(p); advance() } else { recover("expected a function name") }
        skipTypeParameters()
        var parameters = NodeList.empty
        if current.isOp(.lparen) {
            advance()
            parameters = parseParameters(closing: .rparen)
            if !expect(.rparen) { recover("expected ')'") }
        } else {
            recover("expected '('")
        }
        if expect(.arrow) { _ = parseExpression() }
        expectHeaderColon()
        let body = parseBlock()
        return add(Node(kind: .function, flags: isAsync ? Node.isAsync : 0, token: name, first: start, last: lastToken,
                        list1: body), list2: decorators, list3: parameters)
    }

    /// Parses a parameter list up to (not past) `closing`; for lambdas `closing` is the colon.
    private mutating func parseParameters(closing: Op) -> NodeList {
        let base = scratch.count
        while !current.isOp(closing) && !atLineEnd(current) {
            let before = p
            let start = Int32(p)
            if current.isOp(.star) || current.isOp(.doubleStar) || current.isOp(.slash) { advance() }
            var name: Int32 = -1
            if current.kind == .name { name = Int32(p); advance() }
            var annotation: Int32 = -1
            if closing != .colon && expect(.colon) { annotation = parseExpression() }
            var defaultValue: Int32 = -1
            if expect(.assign) { defaultValue = parseExpression() }
            if name >= 0 || defaultValue >= 0 {
                scratch.append(add(Node(kind: .parameter, token: name, first: start, last: lastToken, a: defaultValue, b: annotation)))
            }
            if !expect(.comma) {
                if p == before { recover("unexpected token in parameters"); advance() }
                if !current.isOp(closing) { recover("unexpected token in parameters") }
                break
            }
        }
        return commit(from: base)
    }

    private mutating func parseClass(decorators: NodeList, start: Int32) -> Int32 {
        advance()  // class
        var name: Int32 = -1
        if current.kind == .name { name = Int32(p); advance() } else { recover("expected a class name") }
        skipTypeParameters()
        var bases = NodeList.empty
        if current.isOp(.lparen) { bases = parseArguments() }
        expectHeaderColon()
        let body = parseBlock()
        return add(Node(kind: .classDef, token: name, first: start, last: lastToken, list1: body), list2: decorators, list3: bases)
    }

    private mutating func parseIf() -> Int32 {
        // `elif` chains can be long: collect the clauses, then link them from the last one.
        var clauses: [(start: Int32, test: Int32, body: NodeList, last: Int32)] = []
        repeat {
            let start = Int32(p)
            advance()  // if / elif
            let test = parseNamedExpression()
            expectHeaderColon()
            let body = parseBlock()
            clauses.append((start, test, body, lastToken))
        } while current.isKeyword(.kElif)
        var orElse = NodeList.empty
        if current.isKeyword(.kElse) { orElse = parseElse() }
        var node: Int32 = -1
        for clause in clauses.reversed() {
            node = add(Node(kind: .ifStatement, first: clause.start, last: lastToken, a: clause.test, list1: clause.body), list2: orElse)
            if clause.start != clauses[0].start {
                let base = scratch.count
                scratch.append(node)
                orElse = commit(from: base)
            }
        }
        return node
    }

    private mutating func parseElse() -> NodeList {
        advance()  // else / finally
        expectHeaderColon()
        return parseBlock()
    }

    private mutating func parseWhile() -> Int32 {
        let start = Int32(p)
        advance()
        let test = parseNamedExpression()
        expectHeaderColon()
        let body = parseBlock()
        let orElse = current.isKeyword(.kElse) ? parseElse() : .empty
        return add(Node(kind: .whileLoop, first: start, last: lastToken, a: test, list1: body), list2: orElse)
    }

    private mutating func parseFor(start: Int32, isAsync: Bool) -> Int32 {
        advance()  // for
        let target = parseTargetList()
        if !current.isKeyword(.kIn) { recover("expected 'in'") }
        _ = expectKeyword(.kIn)
        let iterable = parseTestList()
        expectHeaderColon()
        let body = parseBlock()
        let orElse = current.isKeyword(.kElse) ? parseElse() : .empty
        return add(Node(kind: .forLoop, flags: isAsync ? Node.isAsync : 0, first: start, last: lastToken, a: target, b: iterable,
                        list1: body), list2: orElse)
    }

    private mutating func expectKeyword(_ keyword: Keyword) -> Bool {
        if current.isKeyword(keyword) { advance(); return true }
        return false
    }

    private mutating func parseTry() -> Int32 {
        let start = Int32(p)
        advance()
        expectHeaderColon()
        let body = parseBlock()
        let base = scratch.count
        while current.isKeyword(.kExcept) {
            let handlerStart = Int32(p)
            advance()
            _ = expect(.star)  // except*
            var type: Int32 = -1
            var name: Int32 = -1
            if !current.isOp(.colon) && !atLineEnd(current) {
                type = parseTestList()
                if expectKeyword(.kAs) || expect(.comma) {
                    if current.kind == .name { name = Int32(p); advance() }
                }
            }
            expectHeaderColon()
            let handlerBody = parseBlock()
            scratch.append(add(Node(kind: .exceptHandler, token: name, first: handlerStart, last: lastToken, a: type, list1: handlerBody)))
        }
        let handlers = commit(from: base)
        let tailBase = scratch.count
        // Build both bodies before reading them back: `lists` grows while they are parsed.
        let orElse = current.isKeyword(.kElse) ? parseElse() : .empty
        let final = current.isKeyword(.kFinally) ? parseElse() : .empty
        scratch.append(contentsOf: children(orElse))
        scratch.append(contentsOf: children(final))
        let tail = commit(from: tailBase)
        return add(Node(kind: .tryStatement, first: start, last: lastToken, list1: body), list2: handlers, list3: tail)
    }

    private func children(_ list: NodeList) -> ArraySlice<Int32> {
        lists[Int(list.start)..<Int(list.start + list.count)]
    }

    private mutating func parseWith(start: Int32, isAsync: Bool) -> Int32 {
        advance()  // with
        let base = scratch.count
        var parenthesized = false
        if current.isOp(.lparen), let close = matchingClose(from: p), tokens[close + 1].isOp(.colon) {
            // `with (a as b, c as d):` groups its items in parentheses.
            parenthesized = true
            advance()
        }
        while !atLineEnd(current) && !current.isOp(.colon) && !(parenthesized && current.isOp(.rparen)) {
            let before = p
            let itemStart = Int32(p)
            let context = parseNamedExpression()
            var target: Int32 = -1
            if expectKeyword(.kAs) { target = parseTarget() }
            scratch.append(add(Node(kind: .withItem, first: itemStart, last: lastToken, a: context, b: target)))
            if !expect(.comma) {
                if p == before { advance() }
                break
            }
        }
        if parenthesized { _ = expect(.rparen) }
        let items = commit(from: base)
        expectHeaderColon()
        let body = parseBlock()
        return add(Node(kind: .withStatement, flags: isAsync ? Node.isAsync : 0, first: start, last: lastToken, list1: body), list2: items)
    }

    private func matchingClose(from open: Int) -> Int? {
        var level = 0
        var i = open
        while i < tokens.count - 1 {
            let t = tokens[i]
            if t.kind == .newline || t.kind == .end { return nil }
            if t.kind == .op {
                if t.code == Op.lparen.rawValue || t.code == Op.lbracket.rawValue || t.code == Op.lbrace.rawValue { level += 1 }
                if isClosing(t) { level -= 1; if level == 0 { return i } }
            }
            i += 1
        }
        return nil
    }

    /// Parses simple statements separated by `;` through the end of the logical line.
    private mutating func parseSimpleStatements() {
        while true {
            let before = p
            if let statement = parseSimpleStatement() { scratch.append(statement) }
            if current.isOp(.semicolon) {
                advance()
                if current.kind == .newline || current.kind == .end { break }
                continue
            }
            if p == before && !atLineEnd(current) { advance() }
            break
        }
        if current.kind == .newline {
            advance()
        } else if current.kind != .end && current.kind != .dedent && current.kind != .indent {
            recover("unexpected token after a statement")
            let start = Int32(p)
            let base = scratch.count
            while current.kind != .newline && current.kind != .end {
                let before = p
                if canStartExpression(current) { scratch.append(parseExpression()) }
                if p == before { advance() }
            }
            let parts = commit(from: base)
            scratch.append(add(Node(kind: .other, first: start, last: lastToken, list1: parts)))
            if current.kind == .newline { advance() }
        }
    }

    private mutating func parseSimpleStatement() -> Int32? {
        let t = current
        let start = Int32(p)
        if t.kind == .name {
            switch t.keyword {
            case .kImport: return parseImport()
            case .kFrom: return parseFromImport()
            case .kPass: advance(); return add(Node(kind: .pass, first: start, last: start))
            case .kBreak: advance(); return add(Node(kind: .breakStatement, first: start, last: start))
            case .kContinue: advance(); return add(Node(kind: .continueStatement, first: start, last: start))
            case .kReturn, .kRaise:
                advance()
                var value: Int32 = -1
                if canStartExpression(current) { value = parseTestList() }
                if t.keyword == .kRaise && expectKeyword(.kFrom) { _ = parseExpression() }
                if t.keyword == .kRaise && expect(.comma) { _ = parseTestList() }  // Python 2
                return add(Node(kind: t.keyword == .kReturn ? .returnStatement : .raiseStatement, first: start, last: lastToken, a: value))
            case .kGlobal, .kNonlocal:
                advance()
                let base = scratch.count
                while current.kind == .name {
                    scratch.append(add(Node(kind: .name, token: Int32(p), first: Int32(p), last: Int32(p))))
                    advance()
                    if !expect(.comma) { break }
                }
                let names = commit(from: base)
                return add(Node(kind: t.keyword == .kGlobal ? .global : .nonlocal, first: start, last: lastToken, list1: names))
            case .kDel, .kAssert:
                advance()
                let base = scratch.count
                while canStartExpression(current) {
                    scratch.append(parseExpression())
                    if !expect(.comma) { break }
                }
                let parts = commit(from: base)
                return add(Node(kind: .other, first: start, last: lastToken, list1: parts))
            default:
                break
            }
        }
        if t.kind == .name && t.keyword == .none && peek().kind == .name && peek().keyword == .none
            && (peek(2).isOp(.assign) || peek(2).isOp(.lbracket)) {
            // `type Alias[T] = …` (3.12): no other statement puts two names side by side.
            advance()
            let name = Int32(p)
            advance()
            skipTypeParameters()
            _ = expect(.assign)
            let value = parseTestList()
            let base = scratch.count
            scratch.append(add(Node(kind: .name, token: name, first: name, last: name)))
            let targets = commit(from: base)
            return add(Node(kind: .assign, first: start, last: lastToken, a: value, list1: targets))
        }
        guard canStartExpression(current) else {
            if !atLineEnd(current) && !current.isOp(.semicolon) { recover("unexpected token") }
            return nil
        }
        let first = parseTestList()
        if current.isOp(.assign) {
            let base = scratch.count
            scratch.append(first)
            var value: Int32 = -1
            while expect(.assign) {
                let next = parseTestList()
                if current.isOp(.assign) { scratch.append(next) } else { value = next }
            }
            let targets = commit(from: base)
            return add(Node(kind: .assign, first: start, last: lastToken, a: value, list1: targets))
        }
        if current.kind == .op, current.op.isAugmentedAssignment {
            let op = Int32(p)
            advance()
            let value = parseTestList()
            return add(Node(kind: .augmentedAssign, token: op, first: start, last: lastToken, a: first, b: value))
        }
        if expect(.colon) {
            _ = parseExpression()
            var value: Int32 = -1
            if expect(.assign) { value = parseTestList() }
            return add(Node(kind: .annotatedAssign, first: start, last: lastToken, a: first, b: value))
        }
        return add(Node(kind: .expression, first: start, last: lastToken, a: first))
    }

    /// Parses a dotted name (`a.b.c`) into an `importAlias` node, with its `as` name.
    private mutating func parseDottedAlias() -> Int32? {
        guard current.kind == .name else { return nil }
        let start = Int32(p)
        advance()
        while current.isOp(.dot) && peek().kind == .name { advance(); advance() }
        let end = lastToken
        var alias: Int32 = -1
        if expectKeyword(.kAs) {
            if current.kind == .name { alias = Int32(p); advance() }
        }
        return add(Node(kind: .importAlias, token: alias, first: start, last: end))
    }

    private mutating func parseImport() -> Int32 {
        let start = Int32(p)
        advance()
        let base = scratch.count
        while let alias = parseDottedAlias() {
            scratch.append(alias)
            if !expect(.comma) { break }
        }
        let names = commit(from: base)
        let node = add(Node(kind: .importModules, first: start, last: lastToken, list1: names))
        imports.append(node)
        return node
    }

    private mutating func parseFromImport() -> Int32 {
        let start = Int32(p)
        advance()
        var level: Int32 = 0
        while current.isOp(.dot) || current.isOp(.ellipsis) {
            level += current.isOp(.dot) ? 1 : 3
            advance()
        }
        var module: Int32 = -1
        if current.kind == .name && !current.isKeyword(.kImport) {
            module = parseDottedAlias() ?? -1
        }
        if !expectKeyword(.kImport) { recover("expected 'import'") }
        let parenthesized = expect(.lparen)
        let base = scratch.count
        if current.isOp(.star) {
            let star = Int32(p)
            advance()
            scratch.append(add(Node(kind: .importAlias, first: star, last: star)))
        } else {
            while let alias = parseDottedAlias() {
                scratch.append(alias)
                if !expect(.comma) { break }
            }
        }
        if parenthesized && !expect(.rparen) { recover("expected ')'") }
        let names = commit(from: base)
        let node = add(Node(kind: .importFrom, first: start, last: lastToken, a: module, b: level, list1: names))
        imports.append(node)
        return node
    }

    // MARK: Expressions

    /// A comma-separated list of expressions (a tuple when there is a comma).
    private mutating func parseTestList() -> Int32 {
        let start = Int32(p)
        let first = parseNamedExpression()
        guard current.isOp(.comma) else { return first }
        let base = scratch.count
        scratch.append(first)
        while expect(.comma) {
            guard canStartExpression(current) else { break }
            scratch.append(parseNamedExpression())
        }
        let items = commit(from: base)
        return add(Node(kind: .tuple, first: start, last: lastToken, list1: items))
    }

    /// Targets of `for` and comprehensions: stops before `in`.
    private mutating func parseTargetList() -> Int32 {
        let start = Int32(p)
        let first = parseTarget()
        guard current.isOp(.comma) else { return first }
        let base = scratch.count
        scratch.append(first)
        while expect(.comma) {
            guard canStartExpression(current) else { break }
            scratch.append(parseTarget())
        }
        let items = commit(from: base)
        return add(Node(kind: .tuple, first: start, last: lastToken, list1: items))
    }

    private mutating func parseTarget() -> Int32 {
        parseExpression(minimum: Precedence.bitwiseOr)
    }

    private mutating func parseNamedExpression() -> Int32 {
        let start = Int32(p)
        let target = parseExpression()
        if current.isOp(.walrus) {
            advance()
            let value = parseExpression()
            return add(Node(kind: .walrus, first: start, last: lastToken, a: target, b: value))
        }
        return target
    }

    private enum Precedence {
        static let ternary = 1, or = 2, and = 3, not = 4, comparison = 5, bitwiseOr = 6, bitwiseXor = 7
        static let bitwiseAnd = 8, shift = 9, additive = 10, multiplicative = 11, unary = 12, power = 13
    }

    /// The binding power of a binary operator at `current`, and how many tokens it spans.
    private func binaryOperator() -> (precedence: Int, width: Int)? {
        let t = current
        if t.kind == .op {
            switch t.op {
            case .pipe: return (Precedence.bitwiseOr, 1)
            case .caret: return (Precedence.bitwiseXor, 1)
            case .amp: return (Precedence.bitwiseAnd, 1)
            case .lshift, .rshift: return (Precedence.shift, 1)
            case .plus, .minus: return (Precedence.additive, 1)
            case .star, .slash, .doubleSlash, .percent, .at: return (Precedence.multiplicative, 1)
            case .doubleStar: return (Precedence.power, 1)
            case .less, .greater, .equal, .notEqual, .lessEqual, .greaterEqual: return (Precedence.comparison, 1)
            default: return nil
            }
        }
        if t.kind == .name {
            switch t.keyword {
            case .kOr: return (Precedence.or, 1)
            case .kAnd: return (Precedence.and, 1)
            case .kIn: return (Precedence.comparison, 1)
            case .kIs: return (Precedence.comparison, peek().isKeyword(.kNot) ? 2 : 1)
            case .kNot: return peek().isKeyword(.kIn) ? (Precedence.comparison, 2) : nil
            case .kIf: return (Precedence.ternary, 1)
            default: return nil
            }
        }
        return nil
    }

    /// Precedence climbing: parses an expression whose operators bind at least as tightly as `minimum`.
    private mutating func parseExpression(minimum: Int = Precedence.ternary) -> Int32 {
        guard enter() else { depth -= 1; return skipTooDeep() }
        defer { depth -= 1 }
        let start = Int32(p)
        var left = parseUnary()
        while let (precedence, width) = binaryOperator(), precedence >= minimum {
            let opToken = Int32(p)
            if current.isKeyword(.kIf) {
                // `body if test else orelse`
                advance()
                let base = scratch.count
                scratch.append(left)
                scratch.append(parseExpression(minimum: Precedence.or))
                if expectKeyword(.kElse) { scratch.append(parseExpression(minimum: Precedence.ternary)) }
                let parts = commit(from: base)
                left = add(Node(kind: .ternary, token: opToken, first: start, last: lastToken, list1: parts))
                continue
            }
            for _ in 0..<width { advance() }
            let right = precedence == Precedence.power
                ? parseExpression(minimum: Precedence.unary)
                : parseExpression(minimum: precedence + 1)
            left = add(Node(kind: .binary, token: opToken, first: start, last: lastToken, a: left, b: right))
        }
        return left
    }

    private mutating func parseUnary() -> Int32 {
        let t = current
        let start = Int32(p)
        if t.kind == .op {
            switch t.op {
            case .minus, .plus, .tilde:
                advance()
                let operand = parseExpression(minimum: Precedence.unary)
                return add(Node(kind: .unary, token: start, first: start, last: lastToken, a: operand))
            case .star:
                advance()
                let operand = parseExpression(minimum: Precedence.bitwiseOr)
                return add(Node(kind: .starred, first: start, last: lastToken, a: operand))
            case .doubleStar:
                advance()
                let operand = parseExpression(minimum: Precedence.bitwiseOr)
                return add(Node(kind: .doubleStarred, first: start, last: lastToken, a: operand))
            default: break
            }
        } else if t.kind == .name {
            switch t.keyword {
            case .kNot:
                advance()
                let operand = parseExpression(minimum: Precedence.not)
                return add(Node(kind: .unary, token: start, first: start, last: lastToken, a: operand))
            case .kAwait where canStartExpression(peek()) && !peek().isOp(.star) && !peek().isOp(.doubleStar) && !peek().isOp(.minus) && !peek().isOp(.plus):
                advance()
                let operand = parsePostfix(parseAtom())
                return add(Node(kind: .await, first: start, last: lastToken, a: operand))
            case .kLambda:
                advance()
                let base = scratch.count
                let parameters = parseParameters(closing: .colon)
                scratch.append(contentsOf: children(parameters))
                _ = expect(.colon)
                scratch.append(parseExpression())
                let parts = commit(from: base)
                return add(Node(kind: .lambda, first: start, last: lastToken, list1: parts))
            case .kYield:
                advance()
                var value: Int32 = -1
                if expectKeyword(.kFrom) {
                    value = parseExpression()
                } else if canStartExpression(current) {
                    value = parseTestList()
                }
                return add(Node(kind: .yield, first: start, last: lastToken, a: value))
            default: break
            }
        }
        return parsePostfix(parseAtom())
    }

    private mutating func parseAtom() -> Int32 {
        let t = current
        let start = Int32(p)
        switch t.kind {
        case .name:
            switch t.keyword {
            case .none, .kAwait, .kAsync:
                advance()
                return add(Node(kind: .name, token: start, first: start, last: start))
            case .kTrue, .kFalse, .kNone:
                advance()
                return add(Node(kind: .constant, token: start, first: start, last: start))
            default:
                break
            }
        case .number:
            advance()
            return add(Node(kind: .number, token: start, first: start, last: start))
        case .string:
            advance()
            while current.kind == .string { advance() }  // implicit concatenation
            return add(Node(kind: .string, token: start, first: start, last: lastToken))
        case .op:
            switch t.op {
            case .lparen: return parseParenthesized()
            case .lbracket: return parseBracketed()
            case .lbrace: return parseBraced()
            case .ellipsis:
                advance()
                return add(Node(kind: .constant, token: start, first: start, last: start))
            default:
                break
            }
        default:
            break
        }
        recover("unexpected token in an expression")
        if !atLineEnd(t) && !isClosing(t) && !t.isOp(.comma) && !t.isOp(.colon) && !t.isOp(.assign) && t.kind != .name {
            advance()
        }
        return add(Node(kind: .error, first: start, last: max(start, lastToken)))
    }

    private mutating func parsePostfix(_ base: Int32) -> Int32 {
        var value = base
        let start = nodes[Int(base)].first
        while current.kind == .op {
            switch current.op {
            case .dot:
                advance()
                guard current.kind == .name else {
                    recover("expected a name after '.'")
                    return value
                }
                let name = Int32(p)
                advance()
                value = add(Node(kind: .attribute, token: name, first: start, last: name, a: value))
            case .lparen:
                let arguments = parseArguments()
                value = add(Node(kind: .call, first: start, last: lastToken, a: value, list1: arguments))
            case .lbracket:
                advance()
                let indices = parseSubscriptItems()
                if !expect(.rbracket) { recover("expected ']'") }
                value = add(Node(kind: .subscription, first: start, last: lastToken, a: value, list1: indices))
            default:
                return value
            }
        }
        return value
    }

    /// Parses `( … )` call arguments (also class bases), consuming both parentheses.
    private mutating func parseArguments() -> NodeList {
        advance()  // (
        let base = scratch.count
        while !current.isOp(.rparen) && !atLineEnd(current) {
            let before = p
            let start = Int32(p)
            if current.kind == .name && (current.keyword == .none || current.keyword == .kAsync || current.keyword == .kAwait) && peek().isOp(.assign) {
                let name = Int32(p)
                advance(); advance()
                let value = parseExpression()
                scratch.append(add(Node(kind: .keywordArgument, token: name, first: start, last: lastToken, a: value)))
            } else {
                var argument = parseNamedExpression()
                if current.isKeyword(.kFor) || (current.isKeyword(.kAsync) && peek().isKeyword(.kFor)) {
                    argument = parseComprehension(elements: [argument], start: start, kind: .comprehension)
                }
                scratch.append(argument)
            }
            if !expect(.comma) {
                if p == before { advance() }
                if !current.isOp(.rparen) { recover("expected ')'") }
                break
            }
        }
        let arguments = commit(from: base)
        if !expect(.rparen) { recover("expected ')'") }
        return arguments
    }

    private mutating func parseSubscriptItems() -> NodeList {
        let base = scratch.count
        while !current.isOp(.rbracket) && !atLineEnd(current) {
            let before = p
            scratch.append(parseSliceItem())
            if !expect(.comma) {
                if p == before { advance() }
                break
            }
        }
        return commit(from: base)
    }

    private mutating func parseSliceItem() -> Int32 {
        let start = Int32(p)
        var first: Int32 = -1
        if !current.isOp(.colon) { first = parseNamedExpression() }
        guard current.isOp(.colon) else { return first }
        let base = scratch.count
        if first >= 0 { scratch.append(first) }
        while expect(.colon) {
            if canStartExpression(current) { scratch.append(parseExpression()) }
        }
        let parts = commit(from: base)
        return add(Node(kind: .slice, first: start, last: lastToken, list1: parts))
    }

    private mutating func parseComprehension(elements: [Int32], start: Int32, kind: NodeKind) -> Int32 {
        let base = scratch.count
        scratch.append(contentsOf: elements)
        while current.isKeyword(.kFor) || (current.isKeyword(.kAsync) && peek().isKeyword(.kFor)) {
            if current.isKeyword(.kAsync) { advance() }
            advance()  // for
            scratch.append(parseTargetList())
            if !expectKeyword(.kIn) { recover("expected 'in'"); break }
            scratch.append(parseExpression(minimum: Precedence.or))
            while expectKeyword(.kIf) { scratch.append(parseExpression(minimum: Precedence.or)) }
        }
        let parts = commit(from: base)
        return add(Node(kind: kind, first: start, last: lastToken, list1: parts))
    }

    private mutating func parseParenthesized() -> Int32 {
        let start = Int32(p)
        advance()
        if expect(.rparen) { return add(Node(kind: .tuple, first: start, last: lastToken)) }
        if current.isKeyword(.kYield) {
            let value = parseUnary()
            if !expect(.rparen) { recover("expected ')'") }
            return value
        }
        let first = parseElementInParentheses()
        if current.isKeyword(.kFor) || (current.isKeyword(.kAsync) && peek().isKeyword(.kFor)) {
            let generator = parseComprehension(elements: [first], start: start, kind: .comprehension)
            if !expect(.rparen) { recover("expected ')'") }
            return generator
        }
        if expect(.rparen) { return first }
        let base = scratch.count
        scratch.append(first)
        while expect(.comma) {
            if current.isOp(.rparen) { break }
            let before = p
            scratch.append(parseElementInParentheses())
            if p == before { break }
        }
        let items = commit(from: base)
        if !expect(.rparen) { recover("expected ')'"); skipToClosing(.rparen) }
        return add(Node(kind: .tuple, first: start, last: lastToken, list1: items))
    }

    /// An element of a parenthesized expression; tolerates `x as y` (grouped `with` items).
    private mutating func parseElementInParentheses() -> Int32 {
        let element = parseNamedExpression()
        if expectKeyword(.kAs) { _ = parseTarget() }
        return element
    }

    private mutating func skipToClosing(_ closing: Op) {
        while !atLineEnd(current) && !current.isOp(closing) {
            if current.isOp(.lparen) || current.isOp(.lbracket) || current.isOp(.lbrace) {
                if let close = matchingClose(from: p) { p = close }
            }
            advance()
        }
        _ = expect(closing)
    }

    private mutating func parseBracketed() -> Int32 {
        let start = Int32(p)
        advance()
        if expect(.rbracket) { return add(Node(kind: .list, first: start, last: lastToken)) }
        let first = parseNamedExpression()
        if current.isKeyword(.kFor) || (current.isKeyword(.kAsync) && peek().isKeyword(.kFor)) {
            let comprehension = parseComprehension(elements: [first], start: start, kind: .comprehension)
            if !expect(.rbracket) { recover("expected ']'") }
            return comprehension
        }
        let base = scratch.count
        scratch.append(first)
        while expect(.comma) {
            if current.isOp(.rbracket) { break }
            let before = p
            scratch.append(parseNamedExpression())
            if p == before { break }
        }
        let items = commit(from: base)
        if !expect(.rbracket) { recover("expected ']'"); skipToClosing(.rbracket) }
        return add(Node(kind: .list, first: start, last: lastToken, list1: items))
    }

    /// Parses `{…}`: a dict (keys and values alternate in `list1`, `**x` stands alone), a set, or
    /// their comprehensions.
    private mutating func parseBraced() -> Int32 {
        let start = Int32(p)
        advance()
        if expect(.rbrace) { return add(Node(kind: .dict, first: start, last: lastToken)) }
        var isDict = false
        let base = scratch.count
        var first = true
        while !current.isOp(.rbrace) && !atLineEnd(current) {
            let before = p
            if current.isOp(.doubleStar) {
                isDict = true
                scratch.append(parseUnary())
            } else {
                let key = parseNamedExpression()
                scratch.append(key)
                if expect(.colon) {
                    isDict = true
                    scratch.append(parseExpression())
                }
            }
            if first && (current.isKeyword(.kFor) || (current.isKeyword(.kAsync) && peek().isKeyword(.kFor))) {
                let elements = Array(scratch[base...])
                scratch.removeSubrange(base...)
                let comprehension = parseComprehension(elements: elements, start: start, kind: .comprehension)
                if !expect(.rbrace) { recover("expected '}'") }
                return comprehension
            }
            first = false
            if !expect(.comma) {
                if p == before { advance() }
                break
            }
        }
        let items = commit(from: base)
        if !expect(.rbrace) { recover("expected '}'"); skipToClosing(.rbrace) }
        return add(Node(kind: isDict ? .dict : .set, first: start, last: lastToken, list1: items))
    }
}

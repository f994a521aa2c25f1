/// What a syntax node is. The meaning of a node's fields per kind is listed in `Node`.
enum NodeKind: UInt8 {
    // Expressions.
    case name, number, string, constant, attribute, call, keywordArgument, starred, doubleStarred
    case subscription, slice, binary, unary, await, lambda, ternary, tuple, list, set, dict
    case comprehension, yield, walrus, error
    // Statements.
    case module, expression, assign, augmentedAssign, annotatedAssign, importModules, importFrom
    case importAlias, function, parameter, classDef, ifStatement, whileLoop, forLoop, tryStatement
    case exceptHandler, withStatement, withItem, returnStatement, raiseStatement, pass
    case breakStatement, continueStatement, global, nonlocal, other
}

/// A run of child node indices in `SyntaxTree.lists`.
struct NodeList {
    var start: Int32
    var count: Int32
    static let empty = NodeList(start: 0, count: 0)
}

/// One node of the tree, kept in an arena (`SyntaxTree.nodes`) and pointing at children by index.
/// `token` is the node's principal token; `first`/`last` is its token span. Fields by kind:
/// - name, number, string, constant: the token(s) only.
/// - attribute: `a` value, `token` the attribute name.
/// - call: `a` callee, `list1` arguments (expressions, `keywordArgument`, `starred`, `doubleStarred`).
/// - keywordArgument: `token` the name, `a` the value. starred/doubleStarred/await/unary/yield: `a`.
/// - subscription: `a` value, `list1` indices. slice, tuple, list, set, dict, comprehension, lambda,
///   ternary, other: `list1` parts (a comprehension or lambda keeps its parts there too).
/// - binary: `token` the operator, `a` left, `b` right. walrus: `a` target, `b` value.
/// - module: `list1` body. expression: `a`. assign: `list1` targets, `a` value.
/// - augmentedAssign: `token` operator, `a` target, `b` value. annotatedAssign: `a` target, `b` value or -1.
/// - importModules: `list1` importAlias. importFrom: `a` module importAlias or -1, `b` level (a
///   count, not a node), `list1` importAlias. importAlias: `first...last` the dotted name, `token`
///   the `as` name or -1.
/// - function: `token` name, `flags` async, `list1` body, `list2` decorators, `list3` parameters.
/// - parameter: `token` name, `a` default or -1, `b` annotation or -1. classDef: `token` name, `list1` body, `list2`
///   decorators, `list3` bases and keywords.
/// - ifStatement / whileLoop: `a` test, `list1` body, `list2` else. forLoop: `a` target, `b` iterable,
///   `list1` body, `list2` else, `flags` async.
/// - tryStatement: `list1` body, `list2` handlers, `list3` else and finally bodies.
/// - exceptHandler: `a` type or -1, `token` the `as` name or -1, `list1` body.
/// - withStatement: `list1` body, `list2` withItem, `flags` async. withItem: `a` context, `b` target or -1.
/// - returnStatement / raiseStatement: `a` value or -1. global/nonlocal: `list1` names.
/// - other: `list1` expressions, `list2` an indented body if it had one.
///
/// `list2` and `list3` are read through `SyntaxTree.list2(of:)` and `list3(of:)`: few nodes have
/// them, so they are kept in `SyntaxTree.moreLists` and a node holds only their index (`more`, -1
/// when both are empty). That keeps a node at 36 bytes instead of 48; a large
/// module has millions.
struct Node {
    var kind: NodeKind
    var flags: UInt8 = 0
    var token: Int32 = -1
    var first: Int32
    var last: Int32
    var a: Int32 = -1
    var b: Int32 = -1
    var list1 = NodeList.empty
    var more: Int32 = -1

    static let isAsync: UInt8 = 1
}

/// The second and third child lists of a node that has them (see `Node`).
struct MoreLists {
    var list2: NodeList
    var list3: NodeList
}

/// A parsed Python module: its tokens, the node arena and where parsing gave up on sense.
struct SyntaxTree {
    let source: UnsafeBufferPointer<UInt8>
    let tokens: [Token]
    let nodes: [Node]
    let lists: [Int32]
    /// `list2` and `list3` of the nodes that have them, by `Node.more`.
    let moreLists: [MoreLists]
    /// The `import` and `from … import` statements (`importModules`, `importFrom` nodes).
    let imports: [Int32]
    let root: Int32
    let problem: SyntaxProblem?

    static func parse(_ source: UnsafeBufferPointer<UInt8>) -> SyntaxTree {
        let (tokens, tokenProblem) = Tokenizer.tokenize(source)
        var parser = Parser(tokens: tokens)
        let root = parser.parseModule()
        var problem = tokenProblem
        if problem == nil, let offset = parser.firstRecovery {
            problem = SyntaxProblem(offset: offset, message: parser.recoveryMessage)
        }
        return SyntaxTree(source: source, tokens: tokens, nodes: parser.nodes, lists: parser.lists, moreLists: parser.moreLists, imports: parser.imports, root: root,
                          problem: problem)
    }

    @inline(__always) subscript(_ index: Int32) -> Node { nodes[Int(index)] }

    @inline(__always) func list2(of node: Node) -> NodeList { node.more < 0 ? .empty : moreLists[Int(node.more)].list2 }
    @inline(__always) func list3(of node: Node) -> NodeList { node.more < 0 ? .empty : moreLists[Int(node.more)].list3 }
    @inline(__always) func list2(of index: Int32) -> NodeList { list2(of: self[index]) }
    @inline(__always) func list3(of index: Int32) -> NodeList { list3(of: self[index]) }

    @inline(__always) func children(_ list: NodeList) -> ArraySlice<Int32> {
        lists[Int(list.start)..<Int(list.start + list.count)]
    }

    /// The bytes of one token.
    func bytes(ofToken index: Int32) -> UnsafeBufferPointer<UInt8> {
        let token = tokens[Int(index)]
        return UnsafeBufferPointer(rebasing: source[Int(token.start)..<Int(token.end)])
    }

    /// The text of one token (names are ASCII or UTF-8; invalid bytes are repaired).
    func text(ofToken index: Int32) -> String {
        String(decoding: bytes(ofToken: index), as: UTF8.self)
    }

    /// Whether a token's bytes are exactly `text`.
    func token(_ index: Int32, is text: StaticString) -> Bool {
        let token = tokens[Int(index)]
        let length = Int(token.end - token.start)
        guard length == text.utf8CodeUnitCount else { return false }
        let wanted = text.utf8Start
        for i in 0..<length where source[Int(token.start) + i] != wanted[i] { return false }
        return true
    }

    /// The source text a node spans, from its first token's start to its last token's end.
    func sourceText(of index: Int32) -> String {
        let node = self[index]
        let start = Int(tokens[Int(node.first)].start)
        let end = max(start, Int(tokens[Int(node.last)].end))
        return String(decoding: UnsafeBufferPointer(rebasing: source[start..<end]), as: UTF8.self)
    }

    /// Byte range of a node in the source.
    func byteRange(of index: Int32) -> Range<Int> {
        let node = self[index]
        let start = Int(tokens[Int(node.first)].start)
        return start..<max(start, Int(tokens[Int(node.last)].end))
    }

    /// The dotted text an `importAlias` node names (`a.b.c`).
    func dottedName(_ alias: Int32) -> String {
        let a = self[alias]
        var text = ""
        var i = a.first
        while i <= a.last {
            text += self.text(ofToken: i)
            i += 1
        }
        return text
    }

    /// Every module path the source imports, anywhere: `import a.b` gives "a.b", `from a import
    /// b` gives "a" and "a.b". Relative imports are left out. (The import statements the parser
    /// listed, not every node: a large module has millions.)
    func importedPaths() -> [String] {
        var paths: [String] = []
        for node in imports.map({ self[$0] }) {
            if node.kind == .importModules {
                for alias in children(node.list1) { paths.append(dottedName(alias)) }
            } else if node.kind == .importFrom, node.b == 0, node.a >= 0 {
                let module = dottedName(node.a)
                paths.append(module)
                for alias in children(node.list1) where !tokens[Int(self[alias].first)].isOp(.star) {
                    paths.append(module + "." + dottedName(alias))
                }
            }
        }
        return paths
    }
}

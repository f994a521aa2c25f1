import LeakguardBase

/// How a name got its value in a scope.
enum Binding {
    /// `name = expression` (also `with expression as name`, `name := expression`).
    case value(Int32)
    /// `import a.b as name`, `from a import b as name`: the dotted path it stands for.
    case module(String)
    case function(Int32)
    case classDef(Int32)
    /// A parameter node of a function.
    case parameter(Int32)
    /// Bound to something the checker does not follow (loop targets, unpacking).
    case opaque
}

/// A binding and the token after which it holds.
struct ScopedBinding {
    var binding: Binding
    var position: Int32
}

/// Everything about a module that the analysis looks up: parents and scopes of nodes, name
/// bindings per scope, calls, attribute assignments and returns. Built in one iterative pass, so
/// deeply nested expressions cannot exhaust the stack.
final class ModuleIndex {
    let tree: SyntaxTree
    /// The parent of each node (-1 for the module).
    private(set) var parent: [Int32] = []
    /// The scope (module, function or class node) each node belongs to.
    private(set) var scope: [Int32] = []
    /// Per scope, the bindings of each name in source order.
    private(set) var bindings: [Int32: [String: [ScopedBinding]]] = [:]
    /// Names a function declares `global`.
    private(set) var globals: [Int32: Set<String>] = [:]
    /// Modules star-imported per scope.
    private(set) var starImports: [Int32: [String]] = [:]
    /// Every call, in source order.
    private(set) var calls: [Int32] = []
    /// Every function definition, in source order.
    private(set) var functions: [Int32] = []
    /// `self.name = value` (and class-body assignments) per class.
    private(set) var instanceAttributes: [Int32: [String: [ScopedBinding]]] = [:]
    /// Assignments to other attributes (`openai.api_key = …`): target attribute node, value.
    private(set) var attributeAssignments: [(target: Int32, value: Int32)] = []
    /// Name nodes by their text, and attribute nodes by the attribute's text; built when first
    /// asked for (only helper functions need them).
    private(set) lazy var namesByText: [String: [Int32]] = nodes(ofKind: .name)
    private(set) lazy var attributesByText: [String: [Int32]] = nodes(ofKind: .attribute)
    /// `return` statements per function.
    private(set) var returns: [Int32: [Int32]] = [:]
    /// `x.mount(prefix, adapter)` calls by the text of `x` (`session`, `self.session`); built
    /// when first asked for (only HTTP sessions need them), from `calls`, so in the same order.
    private(set) lazy var mounts: [String: [Int32]] = {
        var mounts: [String: [Int32]] = [:]
        for call in calls {
            let n = tree[call]
            let callee = tree[n.a]
            if callee.kind == .attribute, tree.token(callee.token, is: "mount"), n.list1.count >= 2 {
                mounts[tree.sourceText(of: callee.a), default: []].append(call)
            }
        }
        return mounts
    }()

    var root: Int32 { tree.root }

    init(tree: SyntaxTree) {
        self.tree = tree
        walk()
    }

    // MARK: Building

    private func bind(_ name: String, _ binding: Binding, in scope: Int32, at position: Int32) {
        var target = scope
        if let declared = globals[scope], declared.contains(name) { target = root }
        bindings[target, default: [:]][name, default: []].append(ScopedBinding(binding: binding, position: position))
    }

    /// One pass over the tree from the module down, in source order; `parent` and `scope` are
    /// filled through buffers (a million nodes for a large module), the rest by `record`.
    private func walk() {
        let count = tree.nodes.count
        // On huge pages where the system offers them: for a large module these are megabytes
        // each, and faulting them in page by page costs more than filling them.
        var parentOf: [Int32] = []
        parentOf.reserveCapacityPreferringHugePages(count)
        parentOf.append(contentsOf: repeatElement(-1, count: count))
        var scopeOf: [Int32] = []
        scopeOf.reserveCapacityPreferringHugePages(count)
        scopeOf.append(contentsOf: repeatElement(root, count: count))
        var callsInOrder: [Int32] = []
        parentOf.withUnsafeMutableBufferPointer { parentOf in
        scopeOf.withUnsafeMutableBufferPointer { scopeOf in
        tree.nodes.withUnsafeBufferPointer { nodes in
        tree.lists.withUnsafeBufferPointer { lists in
        tree.moreLists.withUnsafeBufferPointer { moreLists in
            // A node to visit, its parent, its scope and the class around that scope (-1: none).
            var stack: [(node: Int32, parent: Int32, scope: Int32, enclosingClass: Int32)] = [(root, -1, root, -1)]
            stack.reserveCapacity(256)
            while let (node, parentNode, scopeNode, classNode) = stack.popLast() {
                parentOf[Int(node)] = parentNode
                scopeOf[Int(node)] = scopeNode
                let n = nodes[Int(node)]
                func push(_ child: Int32, _ childScope: Int32 = scopeNode, _ childClass: Int32 = classNode) {
                    if child >= 0 { stack.append((child, node, childScope, childClass)) }
                }
                func pushList(_ list: NodeList, _ childScope: Int32 = scopeNode, _ childClass: Int32 = classNode) {
                    var i = Int(list.start) + Int(list.count) - 1
                    while i >= Int(list.start) {
                        push(lists[i], childScope, childClass)
                        i -= 1
                    }
                }
                if n.kind == .call {
                    callsInOrder.append(node)
                } else if ModuleIndex.isRecorded(n.kind) {
                    record(node, n, scopeNode, enclosingClass: classNode)
                }
                let more = n.more < 0 ? MoreLists(list2: .empty, list3: .empty) : moreLists[Int(n.more)]
                switch n.kind {
                case .function:
                    // Decorators and defaults run in the enclosing scope; the body in the function's.
                    pushList(n.list1, node)
                    pushList(more.list3, node)
                    pushList(more.list2)
                case .classDef:
                    pushList(n.list1, node, node)
                    pushList(more.list3)
                    pushList(more.list2)
                case .parameter:
                    // A parameter's default belongs to the scope around its function.
                    push(n.a, parentOf[Int(scopeNode)] < 0 ? root : scopeOf[Int(scopeNode)])
                case .importFrom:
                    push(n.a)
                    pushList(n.list1)
                default:
                    pushList(more.list3)
                    pushList(more.list2)
                    pushList(n.list1)
                    push(n.b)
                    push(n.a)
                }
            }
        }}}}}
        parent = parentOf
        scope = scopeOf
        calls = callsInOrder
    }

    /// Whether `record` does anything for nodes of a kind besides calls (which the walk lists itself).
    private static func isRecorded(_ kind: NodeKind) -> Bool {
        switch kind {
        case .function, .classDef, .global, .assign, .annotatedAssign, .walrus, .withItem, .forLoop, .importModules, .importFrom,
             .returnStatement:
            return true
        default:
            return false
        }
    }

    /// `enclosingClass`: the class around `scopeNode` (itself if it is one), or -1.
    private func record(_ node: Int32, _ n: Node, _ scopeNode: Int32, enclosingClass classNode: Int32) {
        let end = n.last
        switch n.kind {
        case .function:
            functions.append(node)
            if n.token >= 0 { bind(tree.text(ofToken: n.token), .function(node), in: scopeNode, at: n.first) }
            for parameter in tree.children(tree.list3(of: n)) {
                let p = tree[parameter]
                if p.token >= 0 { bind(tree.text(ofToken: p.token), .parameter(parameter), in: node, at: -1) }
            }
        case .classDef:
            if n.token >= 0 { bind(tree.text(ofToken: n.token), .classDef(node), in: scopeNode, at: n.first) }
        case .global:
            for name in tree.children(n.list1) {
                globals[scopeNode, default: []].insert(tree.text(ofToken: tree[name].token))
            }
        case .assign:
            for target in tree.children(n.list1) { bindTarget(target, value: n.a, scope: scopeNode, class: classNode, at: end) }
        case .annotatedAssign:
            if n.b >= 0 { bindTarget(n.a, value: n.b, scope: scopeNode, class: classNode, at: end) }
        case .walrus:
            bindTarget(n.a, value: n.b, scope: scopeNode, class: classNode, at: end)
        case .withItem:
            if n.b >= 0 { bindTarget(n.b, value: n.a, scope: scopeNode, class: classNode, at: end) }
        case .forLoop:
            bindTarget(n.a, value: -1, scope: scopeNode, class: classNode, at: n.first)
        case .importModules:
            for alias in tree.children(n.list1) {
                let a = tree[alias]
                let path = tree.dottedName(alias)
                if a.token >= 0 {
                    bind(tree.text(ofToken: a.token), .module(path), in: scopeNode, at: end)
                } else {
                    let head = String(path.split(separator: ".").first ?? Substring(path))
                    bind(head, .module(head), in: scopeNode, at: end)
                }
            }
        case .importFrom:
            var base = String(repeating: ".", count: Int(n.b))
            if n.a >= 0 { base += tree.dottedName(n.a) }
            for alias in tree.children(n.list1) {
                let a = tree[alias]
                if tree.tokens[Int(a.first)].isOp(.star) {
                    starImports[scopeNode, default: []].append(base)
                    continue
                }
                let name = tree.dottedName(alias)
                let path = base.hasSuffix(".") || base.isEmpty ? base + name : base + "." + name
                let local = a.token >= 0 ? tree.text(ofToken: a.token) : name
                bind(local, .module(path), in: scopeNode, at: end)
            }
        case .returnStatement:
            if n.a >= 0 { returns[scopeNode, default: []].append(n.a) }
        default:
            break
        }
    }

    private func nodes(ofKind kind: NodeKind) -> [String: [Int32]] {
        var result: [String: [Int32]] = [:]
        for (i, node) in tree.nodes.enumerated() where node.kind == kind {
            result[tree.text(ofToken: node.token), default: []].append(Int32(i))
        }
        return result
    }

    private func bindTarget(_ target: Int32, value: Int32, scope scopeNode: Int32, class classNode: Int32, at position: Int32) {
        let t = tree[target]
        switch t.kind {
        case .name:
            bind(tree.text(ofToken: t.token), value >= 0 ? .value(value) : .opaque, in: scopeNode, at: position)
            if tree[scopeNode].kind == .classDef, value >= 0 {
                instanceAttributes[scopeNode, default: [:]][tree.text(ofToken: t.token), default: []]
                    .append(ScopedBinding(binding: .value(value), position: position))
            }
        case .attribute:
            guard value >= 0 else { return }
            let base = tree[t.a]
            if base.kind == .name, tree.token(base.token, is: "self") || tree.token(base.token, is: "cls"), classNode >= 0 {
                instanceAttributes[classNode, default: [:]][tree.text(ofToken: t.token), default: []]
                    .append(ScopedBinding(binding: .value(value), position: position))
            } else {
                attributeAssignments.append((target, value))
            }
        case .tuple, .list:
            // `a, b = x, y` binds pairwise; anything else is not followed.
            let targets = tree.children(t.list1)
            if value >= 0, case let v = tree[value], v.kind == .tuple || v.kind == .list, v.list1.count == t.list1.count {
                for (target, item) in zip(targets, tree.children(v.list1)) { bindTarget(target, value: item, scope: scopeNode, class: classNode, at: position) }
            } else {
                for target in targets { bindTarget(target, value: -1, scope: scopeNode, class: classNode, at: position) }
            }
        case .starred:
            bindTarget(t.a, value: -1, scope: scopeNode, class: classNode, at: position)
        default:
            break
        }
    }

    // MARK: Queries

    /// The class a method (or a function nested in one) belongs to.
    func enclosingClass(ofScope scopeNode: Int32) -> Int32? {
        var s = scopeNode
        while s != root {
            if tree[s].kind == .classDef { return s }
            s = scope[Int(s)]
        }
        return nil
    }

    /// The function or class scope around a scope node (the module around the module).
    func outerScope(of scopeNode: Int32) -> Int32 {
        scopeNode == root ? root : scope[Int(scopeNode)]
    }

    /// The nearest function around a node, if any.
    func enclosingFunction(of node: Int32) -> Int32? {
        var s = scope[Int(node)]
        while s != root {
            if tree[s].kind == .function { return s }
            s = scope[Int(s)]
        }
        return nil
    }

    /// Whether `node` lies in `list` of `container` (directly or below one of its items).
    func list(_ list: NodeList, contains node: Int32) -> Bool {
        tree.children(list).contains(node)
    }

    /// Visits the nodes inside `list` in source order, not entering nested functions, classes
    /// and lambdas (their code runs elsewhere); nodes that start at token `end` or later are
    /// passed over with what they contain.
    func forEachNode(in list: NodeList, before end: Int32 = Int32.max, _ body: (Int32, Node) -> Void) {
        guard end < Int32.max else {
            visit(Array(tree.children(list).reversed()), enteringFirst: false, body)
            return
        }
        // The items the walk would pass over are left out in one tight pass: after the checker
        // stopped early, that is most of a large module's statements.
        var start: [Int32] = []
        tree.nodes.withUnsafeBufferPointer { nodes in
            for item in tree.children(list).reversed() where nodes[Int(item)].first < end { start.append(item) }
        }
        visit(start, enteringFirst: false, before: end, body)
    }

    /// The same walk over one node and what it contains (entering it even if it is a function).
    func forEachNode(under node: Int32, _ body: (Int32, Node) -> Void) {
        visit([node], enteringFirst: true, body)
    }

    private func visit(_ start: [Int32], enteringFirst: Bool, before end: Int32 = Int32.max, _ body: (Int32, Node) -> Void) {
        var stack = start
        let root = enteringFirst ? start.first : nil
        while let current = stack.popLast() {
            let n = tree[current]
            if n.first >= end { continue }
            body(current, n)
            if current != root && (n.kind == .function || n.kind == .classDef || n.kind == .lambda) { continue }
            for child in tree.children(tree.list3(of: n)).reversed() { stack.append(child) }
            for child in tree.children(tree.list2(of: n)).reversed() { stack.append(child) }
            for child in tree.children(n.list1).reversed() { stack.append(child) }
            if n.b >= 0 && n.kind != .importFrom { stack.append(n.b) }
            if n.a >= 0 { stack.append(n.a) }
        }
    }
}

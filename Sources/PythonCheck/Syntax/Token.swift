/// What a token is. Comments and blank-line newlines never become tokens.
enum TokenKind: UInt8 {
    case name, number, string, op, newline, indent, dedent, end, error
}

/// Python's hard keywords, packed into `Token.code` of `.name` tokens so the parser can test a
/// keyword without touching the source bytes.
enum Keyword: UInt8 {
    case none = 0
    case kFalse, kNone, kTrue, kAnd, kAs, kAssert, kAsync, kAwait, kBreak, kClass, kContinue
    case kDef, kDel, kElif, kElse, kExcept, kFinally, kFor, kFrom, kGlobal, kIf, kImport, kIn
    case kIs, kLambda, kNonlocal, kNot, kOr, kPass, kRaise, kReturn, kTry, kWhile, kWith, kYield

    /// Looks a name up by its bytes packed little-endian into a word (names of 1 to 8 bytes).
    @inline(__always)
    static func lookUp(packed: UInt64) -> Keyword {
        switch packed {
        case 0x65736C6146: return .kFalse
        case 0x656E6F4E: return .kNone
        case 0x65757254: return .kTrue
        case 0x646E61: return .kAnd
        case 0x7361: return .kAs
        case 0x747265737361: return .kAssert
        case 0x636E797361: return .kAsync
        case 0x7469617761: return .kAwait
        case 0x6B61657262: return .kBreak
        case 0x7373616C63: return .kClass
        case 0x65756E69746E6F63: return .kContinue
        case 0x666564: return .kDef
        case 0x6C6564: return .kDel
        case 0x66696C65: return .kElif
        case 0x65736C65: return .kElse
        case 0x747065637865: return .kExcept
        case 0x796C6C616E6966: return .kFinally
        case 0x726F66: return .kFor
        case 0x6D6F7266: return .kFrom
        case 0x6C61626F6C67: return .kGlobal
        case 0x6669: return .kIf
        case 0x74726F706D69: return .kImport
        case 0x6E69: return .kIn
        case 0x7369: return .kIs
        case 0x6164626D616C: return .kLambda
        case 0x6C61636F6C6E6F6E: return .kNonlocal
        case 0x746F6E: return .kNot
        case 0x726F: return .kOr
        case 0x73736170: return .kPass
        case 0x6573696172: return .kRaise
        case 0x6E7275746572: return .kReturn
        case 0x797274: return .kTry
        case 0x656C696877: return .kWhile
        case 0x68746977: return .kWith
        case 0x646C656979: return .kYield
        default: return .none
        }
    }
}

/// Operators and delimiters, kept in `Token.code` of `.op` tokens.
enum Op: UInt8 {
    case none = 0
    case lparen, rparen, lbracket, rbracket, lbrace, rbrace
    case comma, colon, dot, semicolon, at, assign, arrow, walrus, ellipsis, bang
    case star, doubleStar, plus, minus, slash, doubleSlash, percent, pipe, amp, caret, tilde
    case lshift, rshift, less, greater, equal, notEqual, lessEqual, greaterEqual
    // Augmented assignments.
    case plusAssign, minusAssign, starAssign, slashAssign, doubleSlashAssign, percentAssign
    case atAssign, ampAssign, pipeAssign, caretAssign, lshiftAssign, rshiftAssign, doubleStarAssign

    var isAugmentedAssignment: Bool { rawValue >= Op.plusAssign.rawValue }
}

/// Flags of `.string` tokens.
struct StringFlags: OptionSet {
    var rawValue: UInt8
    static let raw = StringFlags(rawValue: 1)
    static let bytes = StringFlags(rawValue: 2)
    /// An f-string (or a 3.14 t-string): its text has replacement fields.
    static let formatted = StringFlags(rawValue: 4)
    static let triple = StringFlags(rawValue: 8)
    static let unterminated = StringFlags(rawValue: 16)
}

/// One token: a kind, a kind-specific code (keyword, operator or string flags) and a byte range.
struct Token {
    var kind: TokenKind
    var code: UInt8
    var start: Int32
    var end: Int32

    @inline(__always) var keyword: Keyword { kind == .name ? Keyword(rawValue: code) ?? .none : .none }
    @inline(__always) var op: Op { kind == .op ? Op(rawValue: code) ?? .none : .none }
    @inline(__always) var stringFlags: StringFlags { StringFlags(rawValue: code) }
    @inline(__always) func isOp(_ wanted: Op) -> Bool { kind == .op && code == wanted.rawValue }
    @inline(__always) func isKeyword(_ wanted: Keyword) -> Bool { kind == .name && code == wanted.rawValue }
}

/// Why a source cannot be parsed sensibly, with the byte offset where that showed.
struct SyntaxProblem: Sendable, Equatable {
    var offset: Int
    var message: String
}

/// How an SDK client stands on retrying 429 by itself.
enum SDKRetry: Hashable {
    /// The SDK retries with growing waits, and nothing turned that off.
    case byDefault
    /// The SDK does not retry 429 (its spec says why).
    case absent
    /// Something turned the SDK's retries off; the text says what.
    case disabled(String)
    /// A retry configuration was given; `growing` tells whether its waits grow.
    case configured(growing: Bool, detail: String)
}

/// An SDK client, or an object reached from one by attributes and calls (`client.chat`,
/// `client.chats.create()`).
struct ClientValue: Equatable {
    var spec: Int
    /// The constructor that made it ("OpenAI"), empty for a module client.
    var constructor: String = ""
    /// The chain walked from the client so far, e.g. "chat.completions", "chats.create()".
    var path: String
    var retry: SDKRetry
    var isLocal: Bool
    /// The constructor call, or -1 for a module used as its own client (`openai.chat…`).
    var origin: Int32

    func appending(_ segment: String) -> ClientValue {
        var copy = self
        copy.path = path.isEmpty ? segment : path + "." + segment
        return copy
    }
}

/// requests / httpx / aiohttp: the module or a session made from it.
struct HTTPValue: Equatable {
    enum Library { case requests, httpx, aiohttp }
    var library: Library
    var isSession: Bool
    /// `base_url=` of an httpx or aiohttp client, when known.
    var baseURL: String?
    /// The attribute taken from it (`post`), if any.
    var member: String?
}

/// Whether a retry's waits grow.
enum Growth: Int, Comparable {
    case none = 0, constant = 1, growing = 2
    static func < (l: Growth, r: Growth) -> Bool { l.rawValue < r.rawValue }
}

/// A retry mechanism around a call: a backoff decorator, a `Retrying` loop, a hand-written loop
/// that sleeps, a retry configuration.
struct RetryGuard: Equatable {
    /// The node findings about this retry point at.
    var anchor: Int32
    var library: String
    var growth: Growth
    /// Why the waits do not grow, for `ai-backoff-constant`.
    var constantDetail: String = ""
    var bounded: Bool
    /// Why it never stops, for `ai-backoff-unbounded`.
    var unboundedDetail: String = ""
    /// Exception expressions the retry is limited to; nil when it retries on any exception.
    var exceptions: [Int32]?
    /// Where an unbounded finding points when it differs from `anchor` (a loop's header).
    var loopAnchor: Int32 = -1
}

/// What an expression evaluates to, as far as the checker follows values.
indirect enum Value: Equatable {
    case unknown
    case none
    /// An imported module or a name taken from one, fully qualified: "openai.OpenAI".
    case symbol(String)
    /// A name with no binding in the module (a builtin, or an import the checker did not see).
    case unbound(String)
    case client(ClientValue)
    case http(HTTPValue)
    case string(String)
    case number(Double)
    /// A retry decorator, `Retrying` object or `retry_context` not yet applied.
    case retrying(RetryGuard)
    case function(Int32)
    case classDef(Int32)
    case instance(Int32)

    var isUnknown: Bool {
        switch self {
        case .unknown, .none: return true
        default: return false
        }
    }
}

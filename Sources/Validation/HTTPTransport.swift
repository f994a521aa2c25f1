#if canImport(Glibc)
import Glibc
#endif
import AsyncHTTPClient
import Foundation
import NIOCore

/// The HTTP client of `--validate` (async-http-client over SwiftNIO): made only when a run has
/// something to validate, so a scan without `--validate` starts no event loop and opens no socket.
/// Redirects are never followed; errors become fixed phrases, because a client's error text can
/// hold the URL, and a URL can hold the secret.
final class HTTPTransport: Sendable {
    enum Answer: Sendable {
        case response(status: Int, retryAfter: Double?, body: [UInt8])
        case failed(String)
    }

    let client: HTTPClient
    let timeout: Double
    /// Answers longer than this are cut: a verdict never needs more.
    static let maxBody = 64 * 1024

    init(settings: ValidationSettings) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .milliseconds(Int64(settings.timeout * 1000)),
                                      read: .milliseconds(Int64(settings.timeout * 1000)))
        configuration.proxy = nil
        configuration.decompression = .disabled
        timeout = settings.timeout
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ request: ValidationRequest) async -> Answer {
        var http = HTTPClientRequest(url: request.url)
        http.method = .init(rawValue: request.method)
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        if !request.body.isEmpty { http.body = .bytes(ByteBuffer(bytes: request.body)) }
        do {
            let response = try await client.execute(http, timeout: .milliseconds(Int64(timeout * 1000)))
            var body: [UInt8] = []
            do {
                var buffer = try await response.body.collect(upTo: Self.maxBody)
                body = buffer.readBytes(length: buffer.readableBytes) ?? []
            } catch {
                // Too long or cut off: the status may still decide; a JSON check will call it malformed.
                body = []
            }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Self.parseRetryAfter)
            return .response(status: Int(response.status.code), retryAfter: retryAfter, body: body)
        } catch {
            return .failed(Self.describe(error))
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// `Retry-After` in seconds (RFC 9110: delay-seconds or an HTTP date).
    static func parseRetryAfter(_ value: String) -> Double? {
        let trimmed = value.trimmingSpaces
        if let seconds = Double(trimmed), seconds >= 0 { return seconds }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return max(0, date - HTTPDate.now())
    }

    /// A fixed phrase for an error: never the error's own text.
    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout, .tlsHandshakeTimeout,
                 .getConnectionFromPoolTimeout, .cancelled:
                return "timed out"
            case .remoteConnectionClosed: return "connection closed without an answer"
            default: return "request failed"
            }
        }
        let kind = String(describing: type(of: error))
        if kind.contains("HTTPParserError") { return "malformed answer (not HTTP)" }
        if kind.contains("SSL") || kind.contains("TLS") { return "TLS handshake failed" }
        if kind.contains("ChannelError") || kind.contains("IOError") || kind.contains("Connect") { return "could not connect" }
        return "request failed (\(kind))"
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form `Retry-After` dates take.
enum HTTPDate {
    static func parse(_ text: String) -> Double? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    static func now() -> Double { Double(time(nil)) }
}

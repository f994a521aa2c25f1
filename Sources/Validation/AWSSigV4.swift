import LeakguardCore

/// AWS Signature Version 4, header form: the named function a validator uses when the provider
/// wants a signature instead of the secret (`sign = { function = "aws-sigv4", … }`). The secret
/// only keys the HMAC; it never leaves the process.
public enum AWSSigV4 {
    public struct Signed: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        /// The `Authorization` header value.
        public var authorization: String
        public var signedHeaders: String
    }

    /// Signs a request. `headers` are the headers sent (besides `host` and `x-amz-date`, which are
    /// always signed); `amzDate` is `YYYYMMDDTHHMMSSZ` in UTC.
    public static func sign(method: String, host: String, path: String, query: String, headers: [(String, String)],
                            payload: [UInt8], keyID: String, secret: String, region: String, service: String,
                            amzDate: String) -> Signed {
        var all = headers.map { ($0.0.lowercased(), trimSpaces($0.1)) }
        if !all.contains(where: { $0.0 == "host" }) { all.append(("host", host)) }
        if !all.contains(where: { $0.0 == "x-amz-date" }) { all.append(("x-amz-date", amzDate)) }
        all.sort { $0.0 < $1.0 }
        let signedHeaders = all.map(\.0).joined(separator: ";")
        let canonicalRequest = [
            method,
            canonicalPath(path),
            canonicalQuery(query),
            all.map { "\($0.0):\($0.1)\n" }.joined(),
            signedHeaders,
            SHA256.hex(payload),
        ].joined(separator: "\n")
        let date = String(amzDate.prefix(8))
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, SHA256.hex(Array(canonicalRequest.utf8))].joined(separator: "\n")
        let key = signingKey(secret: secret, date: date, region: region, service: service)
        let signature = hex(hmacSHA256(key: key, message: Array(stringToSign.utf8)))
        return Signed(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
                      authorization: "AWS4-HMAC-SHA256 Credential=\(keyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)",
                      signedHeaders: signedHeaders)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    public static func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        var key = Array(("AWS4" + secret).utf8)
        for part in [date, region, service, "aws4_request"] { key = hmacSHA256(key: key, message: Array(part.utf8)) }
        return key
    }

    /// HMAC (RFC 2104) over SHA-256.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? SHA256.digest(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = SHA256.digest(block.map { $0 ^ 0x36 } + message)
        return SHA256.digest(block.map { $0 ^ 0x5c } + inner)
    }

    /// Query parameters encoded the AWS way and sorted by name, then value.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (encode(percentDecoded(String(parts[0]))), encode(percentDecoded(parts.count > 1 ? String(parts[1]) : "")))
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func canonicalPath(_ path: String) -> String {
        path.isEmpty ? "/" : path.split(separator: "/", omittingEmptySubsequences: false)
            .map { encode(percentDecoded(String($0))) }.joined(separator: "/")
    }

    /// RFC 3986 encoding: everything but unreserved characters, upper-case hex.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if isUnreserved(byte) { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += percent(byte) }
        }
        return out
    }

    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value); utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func trimSpaces(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
         UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

func percent(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
}

import CLibFuzzer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A harness's entry: writes its seeds when asked, else hands the command line to libFuzzer.
///
/// Seed corpora are written by the harnesses themselves, from the rules, examples and settings
/// compiled into them, so the repository holds no corpus files (and no key-shaped strings). When
/// `LEAKGUARD_FUZZ_SEEDS` names a directory, `seeds()` goes there as `seed-N` and the process exits.
public func runFuzzer(seeds: () -> [[UInt8]], testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    if let dir = getenv("LEAKGUARD_FUZZ_SEEDS").map({ String(cString: $0) }), !dir.isEmpty {
        for (i, seed) in seeds().enumerated() {
            let path = "\(dir)/seed-\(i)"
            guard let file = fopen(path, "wb") else { fatalError("fuzz: cannot write \(path)") }
            _ = seed.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
        exit(0)
    }
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

public func utf8Seeds(_ strings: [String]) -> [[UInt8]] { strings.map { Array($0.utf8) } }

/// The fuzzer's input as a buffer (libFuzzer hands over an exact-size copy, so ASan sees any
/// read past its end).
@inline(__always)
public func input(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size > 0 ? data : nil, count: size)
}

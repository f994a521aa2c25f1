import LeakguardBase
import Testing

/// `reserveCapacityPreferringHugePages` is `reserveCapacity` plus a hint to the kernel: the
/// array behaves the same whether the hint is taken or not.
@Suite struct HugePagesTests {
    @Test(arguments: [0, 1, 1_000, 3 << 20])
    func reservesAndKeepsTheContents(count: Int) {
        var values: [Int32] = [7]
        values.reserveCapacityPreferringHugePages(count)
        #expect(values.capacity >= count)
        values.append(contentsOf: (0..<Int32(count)))
        #expect(values.count == count + 1)
        #expect(values.first == 7 && values.last == (count > 0 ? Int32(count - 1) : 7))
    }
}

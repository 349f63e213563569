import CZlib

/// gzip streams for Kyverno's CEL `gzip` library, through zlib (the system's; writing DEFLATE by hand would
/// be slower and riskier than the library every platform ships).
///
/// ``compress(_:)`` frames the data as Go's `compress/gzip` does: a header with modification time 0, no
/// name, `XFL` 0 and OS 255; the data in DEFLATE blocks that are not final, closed by an empty final stored
/// block; CRC-32 and length. Short texts come out byte for byte as Go writes them; longer ones may be coded
/// differently (zlib's and Go's compressors choose matches and Huffman trees differently) but decompress to
/// the same bytes.
enum Gzip {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The largest decompressed size accepted (a gzip bomb ends with an error instead of exhausting memory).
    static let maximumOutput = 64 * 1024 * 1024

    static func compress(_ input: [UInt8]) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // Raw DEFLATE (negative window bits): the gzip framing is written here, as Go writes it.
        guard vigil_deflate_init2(&stream, Z_DEFAULT_COMPRESSION, -MAX_WBITS) == Z_OK else {
            throw Failure(description: "gzip: cannot start compression")
        }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        var pendingBits: Int32 = 0
        var flushStart = 0
        let failed: Bool = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            /// Runs `deflate` with `flush` until it has written everything it had.
            func drain(_ flush: Int32) -> Bool {
                while true {
                    var status = Z_OK
                    var full = false
                    buffer.withUnsafeMutableBufferPointer { target in
                        stream.next_out = target.baseAddress
                        stream.avail_out = uInt(target.count)
                        status = deflate(&stream, flush)
                        full = stream.avail_out == 0
                        output += target[0..<(target.count - Int(stream.avail_out))]
                    }
                    if status != Z_OK && status != Z_BUF_ERROR { return false }
                    if !full && stream.avail_in == 0 { return true }
                }
            }
            // The data in blocks that are not final (Go's writer ends the stream with an empty stored block).
            guard drain(Z_BLOCK) else { return true }
            var pendingBytes: UInt32 = 0
            deflatePending(&stream, &pendingBytes, &pendingBits)
            flushStart = output.count
            // An empty stored block, byte-aligned: Go's closing block, once marked final.
            return !drain(Z_SYNC_FLUSH)
        }
        guard !failed, output.count >= flushStart + 5 else { throw Failure(description: "gzip: compression failed") }
        // The stored block's header starts right after the bits that were pending: set its BFINAL bit.
        output[flushStart] |= UInt8(1) << UInt8(pendingBits)
        let checksum = input.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        for value in [UInt32(truncatingIfNeeded: checksum), UInt32(truncatingIfNeeded: input.count)] {
            output += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
        }
        return output
    }

    static func decompress(_ input: [UInt8]) throws(Failure) -> [UInt8] {
        guard input.count >= 2, input[0] == 0x1F, input[1] == 0x8B else {
            throw Failure(description: "gzip: invalid header")
        }
        var stream = z_stream()
        // 16 + MAX_WBITS: gzip framing, checked by zlib (header, CRC-32, length).
        guard vigil_inflate_init2(&stream, 16 + MAX_WBITS) == Z_OK else {
            throw Failure(description: "gzip: cannot start decompression")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            var status = Z_OK
            while status == Z_OK && output.count <= maximumOutput {
                buffer.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output += target[0..<(target.count - Int(stream.avail_out))]
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            }
            return status
        }
        if output.count > maximumOutput {
            throw Failure(description: "gzip: decompressed data exceeds \(maximumOutput) bytes")
        }
        switch status {
        case Z_STREAM_END: return output
        case Z_DATA_ERROR: throw Failure(description: "gzip: invalid data: \(Self.message(stream))")
        default: throw Failure(description: "unexpected EOF")
        }
    }

    private static func message(_ stream: z_stream) -> String {
        stream.msg.map { String(cString: $0) } ?? "corrupt stream"
    }
}

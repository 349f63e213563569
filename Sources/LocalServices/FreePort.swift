import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Loopback ports for tests: free ones, closed ones, and a listener that never answers.
public enum FreePort {
    private static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func boundSocket() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolError(message: "socket() failed: errno \(errno)") }
        var address = loopback(0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw ToolError(message: "bind() failed: errno \(code)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(fd)
            throw ToolError(message: "getsockname() failed: errno \(code)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A port that was free a moment ago (bound to port 0, read back, closed).
    public static func reserve() throws -> Int {
        let (fd, port) = try boundSocket()
        close(fd)
        return port
    }

    /// Whether something accepts connections on 127.0.0.1:port.
    public static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }

    /// A listening socket that never accepts or answers (the kernel completes handshakes into its backlog).
    public final class SilentListener: Sendable {
        public let port: Int
        private let fd: Int32

        public init() throws {
            let (fd, port) = try FreePort.boundSocket()
            guard listen(fd, 1024) == 0 else {
                close(fd)
                throw ToolError(message: "listen failed")
            }
            self.fd = fd
            self.port = port
        }

        deinit { close(fd) }
    }
}

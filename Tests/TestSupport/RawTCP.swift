import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plain TCP sockets on loopback, for tests that play a misbehaving client.
public enum RawTCP {
    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connects to 127.0.0.1:`port`, retrying for up to `wait` seconds; the socket, or nil.
    public static func connect(port: Int, wait: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(wait)
        repeat {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if connected == 0 { return fd }
            close(fd)
            usleep(50_000)
        } while Date() < deadline
        return nil
    }

    /// Sends `bytes` on `fd` (errors ignored: the server may have closed it already).
    public static func send(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Whether the server closes `fd` within `timeout` seconds (what it sends meanwhile is
    /// read and dropped).
    public static func waitForClose(_ fd: Int32, timeout: Double) -> Bool {
        var timeval = timeval(tv_sec: Int(timeout), tv_usec: suseconds_t(timeout.truncatingRemainder(dividingBy: 1) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeval, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let received = recv(fd, &buffer, buffer.count, 0)
            if received == 0 { return true }          // orderly close
            if received < 0 { return errno == ECONNRESET } // reset counts as closed; timeout does not
        }
    }

    /// Connects to 127.0.0.1:`port` (retrying for up to `wait`), sends `bytes`, and reports
    /// whether the server closed the connection within `timeout` seconds.
    public static func sendAndExpectClose(port: Int, bytes: [UInt8], wait: Double = 10, timeout: Double = 10) -> Bool {
        guard let fd = connect(port: port, wait: wait) else { return false }
        defer { close(fd) }
        send(fd, bytes)
        return waitForClose(fd, timeout: timeout)
    }
}

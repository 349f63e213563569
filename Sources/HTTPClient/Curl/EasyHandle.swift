internal import CCurl

/// Builds the libcurl easy handle for a transfer. Runs only on the curl loop thread.
enum EasyHandle {
    /// Creates and configures an easy handle whose callbacks reach `transfer` through `userdata`.
    /// - Throws: ``HTTPClientError`` when libcurl rejects an option (for example a malformed URL).
    static func make(
        for transfer: Transfer,
        userdata: UnsafeMutableRawPointer
    ) throws(HTTPClientError) -> UnsafeMutableRawPointer {
        guard let easy = curl_easy_init() else {
            throw transfer.error(.other, "curl_easy_init failed")
        }
        do {
            try self.configure(easy, transfer: transfer, userdata: userdata)
        } catch {
            curl_easy_cleanup(easy)
            Self.freeLists(of: transfer)
            throw error
        }
        return easy
    }

    static func freeLists(of transfer: Transfer) {
        curl_slist_free_all(transfer.headerList)
        transfer.headerList = nil
        curl_slist_free_all(transfer.connectToList)
        transfer.connectToList = nil
    }

    private static func configure(
        _ easy: UnsafeMutableRawPointer,
        transfer: Transfer,
        userdata: UnsafeMutableRawPointer
    ) throws(HTTPClientError) {
        let request = transfer.request
        func check(_ code: CURLcode, _ option: String) throws(HTTPClientError) {
            try CurlResult.check(code, "setting \(option)", method: request.method, url: transfer.originalURL)
        }
        func setLong(_ option: CURLoption, _ value: Int, _ name: String) throws(HTTPClientError) {
            try check(ccurl_easy_setopt_long(easy, option, value), name)
        }
        func setString(_ option: CURLoption, _ value: String?, _ name: String) throws(HTTPClientError) {
            // libcurl copies string options.
            let code: CURLcode =
                if let value { value.withCString { ccurl_easy_setopt_string(easy, option, $0) } } else {
                    ccurl_easy_setopt_string(easy, option, nil)
                }
            try check(code, name)
        }
        func setBlob(_ option: CURLoption, _ bytes: [UInt8], _ name: String) throws(HTTPClientError) {
            // CURL_BLOB_COPY: libcurl keeps its own copy in memory.
            var bytes = bytes
            let code = bytes.withUnsafeMutableBytes { ccurl_easy_setopt_blob(easy, option, $0.baseAddress, $0.count) }
            try check(code, name)
        }

        transfer.errorBuffer[0] = 0
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, userdata), "CURLOPT_PRIVATE")
        try check(ccurl_easy_setopt_write_callback(easy, curlWriteCallback), "CURLOPT_WRITEFUNCTION")
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, userdata), "CURLOPT_WRITEDATA")
        try check(ccurl_easy_setopt_header_callback(easy, curlHeaderCallback), "CURLOPT_HEADERFUNCTION")
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, userdata), "CURLOPT_HEADERDATA")
        try setLong(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try setString(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        try setString(CURLOPT_REDIR_PROTOCOLS_STR, "http,https", "CURLOPT_REDIR_PROTOCOLS_STR")

        // URL, and the TLS server name override: connect to the URL's host but verify (and send SNI for) the
        // given name, keeping the URL's authority in the Host header.
        var headerLines = request.headerLines
        if let serverName = request.tls.serverName {
            let target = try URLParts(request.url, method: request.method)
            let rewritten = try target.replacingHost(with: serverName, method: request.method)
            try setString(CURLOPT_URL, rewritten, "CURLOPT_URL")
            transfer.connectToList = curl_slist_append(
                nil,
                "\(serverName):\(target.port):\(target.host):\(target.port)"
            )
            try check(ccurl_easy_setopt_slist(easy, CURLOPT_CONNECT_TO, transfer.connectToList), "CURLOPT_CONNECT_TO")
            if !request.hasHostHeader { headerLines.append("Host: \(target.authority)") }
        } else {
            try setString(CURLOPT_URL, request.url, "CURLOPT_URL")
        }

        // Method and body.
        if let body = request.body {
            try check(ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "body size")
            let code: CURLcode =
                body.isEmpty
                ? "".withCString { ccurl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, $0) }
                : body.withUnsafeBytes { buffer in
                    // CURLOPT_COPYPOSTFIELDS copies the bytes: the pointer need not outlive this call.
                    ccurl_easy_setopt_pointer(
                        easy,
                        CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: buffer.baseAddress)
                    )
                }
            try check(code, "CURLOPT_COPYPOSTFIELDS")
            if request.method != "POST" {
                try setString(CURLOPT_CUSTOMREQUEST, request.method, "CURLOPT_CUSTOMREQUEST")
            }
        } else {
            switch request.method {
            case "GET": try setLong(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
            case "HEAD": try setLong(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
            case "POST":
                try check(ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0), "body size")
                try setString(CURLOPT_COPYPOSTFIELDS, "", "CURLOPT_COPYPOSTFIELDS")
            default: try setString(CURLOPT_CUSTOMREQUEST, request.method, "CURLOPT_CUSTOMREQUEST")
            }
        }

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in headerLines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw transfer.error(.other, "out of memory building the header list")
            }
            list = appended
        }
        transfer.headerList = list
        try check(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER")

        // Timeouts, keepalive, compression, redirects, HTTP version.
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds, "CURLOPT_CONNECTTIMEOUT_MS")
        try setLong(CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds ?? 0, "CURLOPT_TIMEOUT_MS")
        if let limit = request.lowSpeedLimit {
            try setLong(CURLOPT_LOW_SPEED_LIMIT, limit.bytesPerSecond, "CURLOPT_LOW_SPEED_LIMIT")
            let seconds = max(1, PreparedRequest.milliseconds(limit.duration) / 1000)
            try setLong(CURLOPT_LOW_SPEED_TIME, seconds, "CURLOPT_LOW_SPEED_TIME")
        }
        if let keepAlive = request.tcpKeepAliveSeconds {
            try setLong(CURLOPT_TCP_KEEPALIVE, 1, "CURLOPT_TCP_KEEPALIVE")
            try setLong(CURLOPT_TCP_KEEPIDLE, keepAlive, "CURLOPT_TCP_KEEPIDLE")
            try setLong(CURLOPT_TCP_KEEPINTVL, keepAlive, "CURLOPT_TCP_KEEPINTVL")
        }
        if let proxy = request.proxy {
            try setString(CURLOPT_PROXY, proxy, "CURLOPT_PROXY")
        }
        if request.automaticDecompression {
            try setString(CURLOPT_ACCEPT_ENCODING, "", "CURLOPT_ACCEPT_ENCODING")
        }
        if request.maximumRedirects > 0 {
            try setLong(CURLOPT_FOLLOWLOCATION, 1, "CURLOPT_FOLLOWLOCATION")
            try setLong(CURLOPT_MAXREDIRS, request.maximumRedirects, "CURLOPT_MAXREDIRS")
        }
        switch request.httpVersion {
        case .http1_1:
            try setLong(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1, "CURLOPT_HTTP_VERSION")
        case .http2:
            try setLong(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS, "CURLOPT_HTTP_VERSION")
            // Wait for a connection that can multiplex rather than open a second one.
            try setLong(CURLOPT_PIPEWAIT, 1, "CURLOPT_PIPEWAIT")
        }

        try self.configureTLS(request.tls, setLong: setLong, setString: setString, setBlob: setBlob)
    }

    private static func configureTLS(
        _ tls: TLSConfiguration,
        setLong: (CURLoption, Int, String) throws(HTTPClientError) -> Void,
        setString: (CURLoption, String?, String) throws(HTTPClientError) -> Void,
        setBlob: (CURLoption, [UInt8], String) throws(HTTPClientError) -> Void
    ) throws(HTTPClientError) {
        try setLong(CURLOPT_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0 : 1, "CURLOPT_SSL_VERIFYPEER")
        try setLong(CURLOPT_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0 : 2, "CURLOPT_SSL_VERIFYHOST")
        switch tls.certificateAuthority {
        case .none:
            break
        case .file(let path):
            try setString(CURLOPT_CAINFO, path, "CURLOPT_CAINFO")
            try setString(CURLOPT_CAPATH, nil, "CURLOPT_CAPATH")  // trust only this bundle
        case .pem(let bytes):
            try setBlob(CURLOPT_CAINFO_BLOB, bytes, "CURLOPT_CAINFO_BLOB")
            try setString(CURLOPT_CAPATH, nil, "CURLOPT_CAPATH")
        }
        /// The client certificate or key: PEM from a file (`file` option) or from memory (`blob` option).
        func setClientPEM(
            _ source: TLSConfiguration.Source?, file: (CURLoption, String), blob: (CURLoption, String),
            type: (CURLoption, String)
        ) throws(HTTPClientError) {
            switch source {
            case .none: return
            case .file(let path): try setString(file.0, path, file.1)
            case .pem(let bytes): try setBlob(blob.0, bytes, blob.1)
            }
            try setString(type.0, "PEM", type.1)
        }
        try setClientPEM(
            tls.clientCertificate, file: (CURLOPT_SSLCERT, "CURLOPT_SSLCERT"),
            blob: (CURLOPT_SSLCERT_BLOB, "CURLOPT_SSLCERT_BLOB"), type: (CURLOPT_SSLCERTTYPE, "CURLOPT_SSLCERTTYPE"))
        try setClientPEM(
            tls.clientKey, file: (CURLOPT_SSLKEY, "CURLOPT_SSLKEY"), blob: (CURLOPT_SSLKEY_BLOB, "CURLOPT_SSLKEY_BLOB"),
            type: (CURLOPT_SSLKEYTYPE, "CURLOPT_SSLKEYTYPE"))
    }
}

/// The body callback: hands bytes to the transfer in `userdata`. Non-capturing, as C requires.
private let curlWriteCallback: ccurl_data_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: length > 0 ? pointer : nil, count: length)
    switch transfer.receivedBody(bytes) {
    case .consumed: return length
    case .pause: return ccurl_writefunc_pause()
    case .abort: return 0
    }
}

/// The header callback: hands one complete header line to the transfer in `userdata`.
private let curlHeaderCallback: ccurl_data_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = UnsafeRawBufferPointer(start: length > 0 ? pointer : nil, count: length)
    return transfer.receivedHeaderLine(line) ? length : 0
}

internal import CCurl

/// The one place that turns libcurl result codes into Swift errors.
enum CurlResult {
    /// Throws when a `curl_easy_setopt`-style call failed.
    static func check(
        _ code: CURLcode,
        _ what: @autoclosure () -> String,
        method: String,
        url: String
    ) throws(HTTPClientError) {
        guard code != CURLE_OK else { return }
        throw HTTPClientError(
            code: self.classify(code),
            message: "\(what()): \(self.text(of: code))",
            curlCode: Int(code.rawValue),
            method: method,
            url: url
        )
    }

    /// The error for a failed transfer, with libcurl's error buffer text when it has any.
    static func error(_ code: CURLcode, errorBuffer: String, method: String, url: String) -> HTTPClientError {
        HTTPClientError(
            code: self.classify(code),
            message: errorBuffer.isEmpty ? self.text(of: code) : errorBuffer,
            curlCode: Int(code.rawValue),
            method: method,
            url: url
        )
    }

    /// The error for a failed multi-handle call; it fails every transfer the call concerned.
    static func error(_ code: CURLMcode, _ what: String, method: String, url: String) -> HTTPClientError {
        HTTPClientError(
            code: .other,
            message: "\(what): \(String(cString: curl_multi_strerror(code)))",
            curlCode: Int(code.rawValue),
            method: method,
            url: url
        )
    }

    static func text(of code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    static func classify(_ code: CURLcode) -> HTTPClientError.Code {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connect
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            return .connectionLost
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING,
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_TOO_MANY_REDIRECTS, CURLE_HTTP3, CURLE_RANGE_ERROR:
            return .protocol
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge
        case CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN, CURLE_UNKNOWN_OPTION, CURLE_BAD_FUNCTION_ARGUMENT:
            return .invalidRequest
        default:
            return .other
        }
    }
}

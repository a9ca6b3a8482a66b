/// How HTTPS connections are checked, as in curl.
public struct TLSOptions: Sendable, Hashable {
    /// Skip certificate verification (`--insecure`).
    public var insecure: Bool
    /// A PEM bundle of trusted certificate authorities (`--ca-file`).
    public var caFile: String?
    /// A client certificate (`--cert`) and its key (`--key`).
    public var certFile: String?
    public var keyFile: String?

    public init(insecure: Bool = false, caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.insecure = insecure
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }
}

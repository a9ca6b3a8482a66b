/// The version of the reg tools: the one place it is written.
public enum RegVersion {
    /// Answered by every tool's `--version`.
    public static let current = "0.3.0"

    /// Sent with every request, so registry operators can tell reg's traffic apart.
    public static let userAgent = "reg/\(current)"
}

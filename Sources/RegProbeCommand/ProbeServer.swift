import Hummingbird
import Logging
import NIOCore
import RegKit

/// reg-probe's HTTP endpoints, served by Hummingbird: `/status`, `/health`, `/metrics`.
enum ProbeServer {
    /// The application, as a service of the run's service group (which closes its listener on
    /// SIGTERM or SIGINT).
    /// - Parameter listening: told the address the listener took (the port, when 0 was asked).
    static func application(
        host: String, port: Int, board: ProbeBoard, metrics: ProbeMetrics, logger: Logger,
        listening: @escaping @Sendable (String) -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/status") { request, _ -> Response in
            let registry = request.uri.queryParameters.get("registry")
            guard let report = board.status(registry: registry) else {
                let message = "{\"error\":\"not a probed registry: \(registry ?? "")\",\"ok\":false}"
                return respond(.notFound, message, type: json)
            }
            return respond(report.ok ? .ok : .serviceUnavailable, report.body, type: json)
        }
        router.get("/health") { _, _ -> Response in
            let report = board.health()
            return respond(report.ok ? .ok : .serviceUnavailable, report.body, type: json)
        }
        router.get("/metrics") { _, _ -> Response in
            respond(.ok, metrics.exposition(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "reg-probe"),
            onServerRunning: { channel in
                let address = channel.localAddress
                let shown = address.flatMap { $0.ipAddress.map { ip in ip.contains(":") ? "[\(ip)]" : ip } } ?? host
                listening("\(shown):\(address?.port ?? port)")
            },
            logger: logger)
    }

    private static let json = "application/json"

    private static func respond(_ status: HTTPResponse.Status, _ body: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body + "\n")))
    }
}

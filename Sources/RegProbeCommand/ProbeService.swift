import RegKit
import ServiceLifecycle

/// The probe loop as a service of the run's group: a graceful shutdown (SIGTERM, SIGINT) stops
/// it as ``ProbeRunner/stop()`` says, and the service returns once the probe images are cleaned up.
struct ProbeService: Service {
    let runner: ProbeRunner

    func run() async throws {
        await withGracefulShutdownHandler {
            await runner.run()
        } onGracefulShutdown: {
            runner.stop()
        }
    }
}

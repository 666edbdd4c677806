package app.devskyy.auth;

import app.devskyy.core.events.EventFunction;
import app.devskyy.core.observability.Telemetry;

/**
 * The auth family's operations function: no HTTP route reaches it, so only an IAM principal
 * allowed {@code lambda:InvokeFunction} on it can run an operation. Today one:
 * {@code {"operation": "bootstrap-super-admin", "email": "..."}} names the platform's first super
 * admin (docs/operations.md).
 */
final class AuthOperations extends EventFunction<AuthOperations.Request, AuthOperations.Result> {

    static final String FUNCTION = "authOperations";

    record Request(String operation, String email) {}

    /** What was done, naming the account by id only: the answer lands in the operator's terminal and logs. */
    record Result(String operation, String userId, String platformRole) {}

    private final PlatformBootstrap bootstrap;

    AuthOperations(PlatformBootstrap bootstrap, Telemetry telemetry) {
        super(FUNCTION, Request.class, telemetry);
        this.bootstrap = bootstrap;
    }

    @Override
    protected String correlationId(Request request) {
        return "operation@" + request.operation();
    }

    @Override
    protected Result handle(Request request) {
        if (!"bootstrap-super-admin".equals(request.operation())) {
            throw new IllegalArgumentException("Unknown operation; the operations are: bootstrap-super-admin.");
        }
        if (request.email() == null || request.email().isBlank()) {
            throw new IllegalArgumentException("bootstrap-super-admin needs the email of an existing account.");
        }
        Profiles.AdminUserView granted = bootstrap.grant(request.email(), "operations-invocation");
        return new Result(request.operation(), granted.id(), granted.platformRole());
    }
}

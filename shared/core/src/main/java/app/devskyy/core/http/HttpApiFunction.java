package app.devskyy.core.http;

import app.devskyy.core.Json;
import app.devskyy.core.aws.Outages;
import app.devskyy.core.events.EventFunction;
import app.devskyy.core.observability.Telemetry;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.cloud.function.adapter.aws.AWSLambdaUtils;
import org.springframework.messaging.Message;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;

/**
 * The entry point of an HTTP function family: one API Gateway HTTP API (payload 2.0) event in,
 * one response out. It matches the route, runs the handler inside the invocation's telemetry, and
 * turns every failure into a problem ({@link ProblemFormat}: RFC 9457 unless the family says otherwise). Every response carries {@code x-request-id} and
 * the security headers.
 *
 * <p>The input is a {@link Message} so that the Lambda {@link Context}, which Spring Cloud Function
 * passes as a message header, reaches the logging context; and its payload is the raw event, read
 * here, because Spring Cloud Function's own conversion treats a request body that is a JSON array
 * as a batch and calls the function once per element (a 500 for any caller who sends {@code []}).
 * With {@code byte[]} as input type it leaves the event alone.
 */
public final class HttpApiFunction implements Function<Message<byte[]>, APIGatewayV2HTTPResponse> {

    /** Events gain fields over time; unknown ones are ignored here, unlike in request bodies. */
    private static final ObjectReader EVENT_READER = Json.MAPPER
            .readerFor(APIGatewayV2HTTPEvent.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Default body limit: far below the 6 MB synchronous Lambda payload, far above any JSON command. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiFunction.class);

    private final Router router;
    private final Telemetry telemetry;
    private final long maxBodyBytes;
    private final ProblemFormat problems;

    public HttpApiFunction(Router router, Telemetry telemetry, long maxBodyBytes, ProblemFormat problems) {
        this.router = router;
        this.telemetry = telemetry;
        this.maxBodyBytes = maxBodyBytes;
        this.problems = problems;
    }

    public HttpApiFunction(Router router, Telemetry telemetry) {
        this(router, telemetry, DEFAULT_MAX_BODY_BYTES, ProblemFormat.RFC_9457);
    }

    @Override
    public APIGatewayV2HTTPResponse apply(Message<byte[]> message) {
        Context context = message.getHeaders().get(AWSLambdaUtils.AWS_CONTEXT, Context.class);
        return telemetry.invocation(context, () -> {
            APIGatewayV2HTTPEvent event = readEvent(message.getPayload());
            // The id callers get in x-request-id ties every log line of the request together.
            MDC.put(EventFunction.CORRELATION_ID, requestId(event));
            try {
                return handle(event);
            } finally {
                MDC.remove(EventFunction.CORRELATION_ID);
            }
        });
    }

    /** The payload-2.0 event; API Gateway never sends anything else, so a stranger input is a bare event. */
    static APIGatewayV2HTTPEvent readEvent(byte[] payload) {
        try {
            APIGatewayV2HTTPEvent event = EVENT_READER.readValue(payload);
            return event == null ? new APIGatewayV2HTTPEvent() : event;
        } catch (JacksonException e) {
            return new APIGatewayV2HTTPEvent();
        }
    }

    /** Answers one event and records it in the metrics; never throws. */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        long start = System.nanoTime();
        Answer answer = answer(event);
        telemetry.request(
                answer.method(), answer.route(), answer.response().status(), (System.nanoTime() - start) / 1_000_000.0);
        return toEvent(answer.response(), requestId(event), method(event).equals("HEAD"));
    }

    /**
     * Answers one event without recording it: what SnapStart priming runs, so that synthetic
     * requests before the snapshot leave no trace in the metrics.
     */
    public APIGatewayV2HTTPResponse prime(APIGatewayV2HTTPEvent event) {
        return toEvent(answer(event).response(), requestId(event), false);
    }

    /** A response and the route that produced it ({@code unmatched} when none did). */
    private record Answer(String method, String route, HttpResponse response) {}

    private Answer answer(APIGatewayV2HTTPEvent event) {
        // Metrics dimensions come from the route table, never from the request, so that a caller
        // cannot mint new metric series: anything unmatched is counted as ANY unmatched.
        String method = "ANY";
        String route = "unmatched";
        try {
            Router.Match match = router.match(method(event), event.getRawPath() == null ? "/" : event.getRawPath());
            route = match.route().template();
            method = match.route().method();
            HttpResponse response =
                    match.route().handler().handle(new HttpRequest(event, match.pathParameters(), maxBodyBytes));
            return new Answer(method, route, response);
        } catch (ApiProblem problem) {
            return new Answer(method, route, problem(problem, event));
        } catch (RuntimeException e) {
            if (Outages.isOutage(e)) {
                LOG.warn("dependency unavailable ({}) on {} {}", e.getClass().getSimpleName(), method, route);
                return new Answer(
                        method,
                        route,
                        problem(
                                ApiProblem.serviceUnavailable(
                                        "A service this request needs is unavailable; retry shortly.",
                                        Outages.RETRY_AFTER_SECONDS),
                                event));
            }
            // Type and origin only: exception messages can quote input, and input may be personal data.
            LOG.error(
                    "unhandled {} on {} {} at {}",
                    e.getClass().getName(),
                    method,
                    route,
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "unknown");
            return new Answer(method, route, problem(ApiProblem.internal(), event));
        }
    }

    private HttpResponse problem(ApiProblem problem, APIGatewayV2HTTPEvent event) {
        return problems.render(problem, event.getRawPath(), requestId(event));
    }

    private static APIGatewayV2HTTPResponse toEvent(HttpResponse response, String requestId, boolean head) {
        Map<String, String> headers = new LinkedHashMap<>(SecurityHeaders.DEFAULTS);
        headers.putAll(response.headers());
        headers.put("x-request-id", requestId);
        APIGatewayV2HTTPResponse out = new APIGatewayV2HTTPResponse();
        out.setStatusCode(response.status());
        out.setHeaders(headers);
        if (!response.cookies().isEmpty()) {
            out.setCookies(List.copyOf(response.cookies()));
        }
        out.setBody(head ? "" : response.body());
        out.setIsBase64Encoded(false);
        return out;
    }

    private static String requestId(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        return context == null || context.getRequestId() == null
                ? "unknown"
                : Identifiers.urlSafeRequestId(context.getRequestId());
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        return context == null || context.getHttp() == null || context.getHttp().getMethod() == null
                ? "GET"
                : context.getHttp().getMethod();
    }
}

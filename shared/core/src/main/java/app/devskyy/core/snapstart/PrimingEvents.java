package app.devskyy.core.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;

/**
 * Synthetic HTTP API events for priming a function's hot path below the invoker. (Replaying a
 * whole event through Spring Cloud Function's {@code FunctionInvoker} in {@code beforeCheckpoint}
 * has been reported to hang restores, spring-cloud-function issue 1450.)
 */
public final class PrimingEvents {

    private PrimingEvents() {}

    public static APIGatewayV2HTTPEvent request(String method, String path, String body) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(path)
                .withRawQueryString("")
                .withHeaders(Map.of("content-type", "application/json", "user-agent", "devskyy-priming"))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("priming")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(path)
                                .withProtocol("HTTP/1.1")
                                .withSourceIp("127.0.0.1")
                                .withUserAgent("devskyy-priming")
                                .build())
                        .build())
                .build();
    }

    public static APIGatewayV2HTTPEvent get(String path) {
        return request("GET", path, null);
    }
}

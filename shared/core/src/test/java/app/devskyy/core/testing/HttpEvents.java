package app.devskyy.core.testing;

import app.devskyy.core.snapstart.PrimingEvents;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.HashMap;
import java.util.Map;

/** Payload-2.0 events built in code, for calling an {@code HttpApiFunction} directly. */
public final class HttpEvents {

    private HttpEvents() {}

    public static APIGatewayV2HTTPEvent request(String method, String path) {
        APIGatewayV2HTTPEvent event = PrimingEvents.request(method, path, null);
        event.getRequestContext().setRequestId("req-" + method + path.hashCode());
        event.setHeaders(new HashMap<>(Map.of("user-agent", "test")));
        return event;
    }

    public static APIGatewayV2HTTPEvent json(String method, String path, String body) {
        APIGatewayV2HTTPEvent event = request(method, path);
        event.getHeaders().put("content-type", "application/json");
        event.setBody(body);
        return event;
    }
}

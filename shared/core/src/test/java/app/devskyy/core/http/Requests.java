package app.devskyy.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;

/** An {@link HttpRequest} made from an event, for tests of code that reads requests (verifiers, parsers). */
public final class Requests {

    private Requests() {}

    public static HttpRequest of(APIGatewayV2HTTPEvent event) {
        return new HttpRequest(event, Map.of(), HttpApiFunction.DEFAULT_MAX_BODY_BYTES);
    }
}

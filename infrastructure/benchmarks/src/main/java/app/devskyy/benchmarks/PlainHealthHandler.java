package app.devskyy.benchmarks;

import app.devskyy.core.config.Config;
import app.devskyy.core.http.HttpApiFunction;
import app.devskyy.health.HealthInitializer;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/**
 * The baseline: the health family's very handler logic behind a plain aws-lambda-java-core
 * {@link RequestHandler}, with no Spring. Never deployed; it exists to be measured against.
 */
public final class PlainHealthHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final HttpApiFunction function = HealthInitializer.create(Config.fromEnvironment());

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return function.handle(event);
    }
}

package app.devskyy.benchmarks;

import app.devskyy.core.Json;
import app.devskyy.core.config.Config;
import app.devskyy.core.events.FunctionFamily;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;
import org.springframework.cloud.function.adapter.aws.AWSLambdaUtils;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The cold-start baseline: one function's very logic, built from its family's catalog, behind a
 * plain aws-lambda-java-core {@link RequestStreamHandler}, without Spring Cloud Function's context
 * or invoker. Every function of the project takes the event's bytes as a message (with the Lambda
 * context as a header) and answers a response object or bytes, so one handler serves them all.
 * Never deployed; it exists to be measured against.
 */
public final class PlainHandler implements RequestStreamHandler {

    private final Function<Message<byte[]>, ?> function;

    @SuppressWarnings("unchecked")
    public PlainHandler(String mainClass, String definition) throws ReflectiveOperationException {
        FunctionFamily family = (FunctionFamily)
                Class.forName(mainClass).getDeclaredConstructor().newInstance();
        this.function = (Function<Message<byte[]>, ?>) family.catalog().build(definition, Config.fromEnvironment());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Object answer = function.apply(MessageBuilder.withPayload(input.readAllBytes())
                .setHeader(AWSLambdaUtils.AWS_CONTEXT, context)
                .build());
        output.write(answer instanceof byte[] bytes ? bytes : Json.writeBytes(answer));
    }
}

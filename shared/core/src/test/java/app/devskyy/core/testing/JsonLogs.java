package app.devskyy.core.testing;

import app.devskyy.core.Json;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import tools.jackson.databind.JsonNode;

/**
 * Captures what the functions log, in the deployed layout (Powertools' {@code LambdaJsonLayout}),
 * one JSON object a line, so that tests read log lines as CloudWatch does.
 */
public final class JsonLogs implements AutoCloseable {

    private final StringWriter out = new StringWriter();
    private final WriterAppender appender;
    private final LoggerContext context;

    private JsonLogs() {
        context = LoggerContext.getContext(false);
        Configuration configuration = context.getConfiguration();
        appender = WriterAppender.newBuilder()
                .setName("json-logs-" + System.nanoTime())
                .setTarget(out)
                .setLayout(JsonTemplateLayout.newBuilder()
                        .setConfiguration(configuration)
                        .setCharset(StandardCharsets.UTF_8)
                        .setEventTemplateUri("classpath:LambdaJsonLayout.json")
                        .build())
                .build();
        appender.start();
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    public static JsonLogs capture() {
        return new JsonLogs();
    }

    /** Every line logged since the capture began, parsed. */
    public List<JsonNode> lines() {
        return Arrays.stream(out.toString().split("\n"))
                .filter(line -> !line.isBlank())
                .map(line -> Json.tree(line.getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    public String text() {
        return out.toString();
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}

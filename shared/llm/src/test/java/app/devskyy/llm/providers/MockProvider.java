package app.devskyy.llm.providers;

import app.devskyy.core.Json;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/** A provider's endpoint on a MockWebServer: canned answers in its wire format, and what was sent. */
final class MockProvider implements AutoCloseable {

    final MockWebServer server = new MockWebServer();

    MockProvider() throws Exception {
        server.start();
    }

    HttpUrl base(String path) {
        return server.url(path);
    }

    void answer(int code, String json, String... headers) {
        MockResponse.Builder response =
                new MockResponse.Builder().code(code).body(json).addHeader("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            response.addHeader(headers[i], headers[i + 1]);
        }
        server.enqueue(response.build());
    }

    /** An answer that comes too late for any test's timeout. */
    void stall() {
        server.enqueue(new MockResponse.Builder()
                .body("{}")
                .headersDelay(10, TimeUnit.SECONDS)
                .build());
    }

    RecordedRequest next() throws InterruptedException {
        return server.takeRequest();
    }

    static JsonNode body(RecordedRequest request) {
        return Json.tree(request.getBody().toByteArray());
    }

    static List<String> texts(JsonNode array, String field) {
        return array.valueStream().map(n -> n.path(field).asString()).toList();
    }

    @Override
    public void close() {
        server.close();
    }
}

package app.devskyy.core;

import java.time.Duration;
import okhttp3.OkHttpClient;

/**
 * The project's one outbound HTTP client (Upstash, LLM providers, payment APIs). Callers that need
 * other timeouts derive from it with {@code newBuilder()}, which shares its connection pool and
 * dispatcher.
 */
public final class OutboundHttp {

    private static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(10))
            .writeTimeout(Duration.ofSeconds(10))
            .callTimeout(Duration.ofSeconds(15))
            .retryOnConnectionFailure(true)
            .build();

    private OutboundHttp() {}

    public static OkHttpClient client() {
        return CLIENT;
    }
}

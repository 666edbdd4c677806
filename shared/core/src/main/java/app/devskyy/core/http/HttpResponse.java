package app.devskyy.core.http;

import app.devskyy.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a route handler answers. Bodies are text; {@link HttpApiFunction} adds the request id,
 * security headers and cookies on the way out.
 */
public record HttpResponse(int status, Map<String, String> headers, List<String> cookies, String body) {

    public HttpResponse {
        headers = Map.copyOf(headers);
        cookies = List.copyOf(cookies);
    }

    public static HttpResponse json(int status, Object body) {
        return json(status, "application/json", body);
    }

    public static HttpResponse json(int status, String contentType, Object body) {
        return new HttpResponse(status, Map.of("content-type", contentType), List.of(), Json.write(body));
    }

    public static HttpResponse ok(Object body) {
        return json(200, body);
    }

    public static HttpResponse noContent() {
        return new HttpResponse(204, Map.of(), List.of(), "");
    }

    public static HttpResponse text(int status, String contentType, String body) {
        return new HttpResponse(status, Map.of("content-type", contentType), List.of(), body);
    }

    /** 304: the caller's copy, named by its {@code If-None-Match}, is the current version. */
    public static HttpResponse notModified(String etag) {
        return new HttpResponse(304, Map.of("etag", etag), List.of(), "");
    }

    /**
     * A public document versioned by {@code version} (its ETag), cacheable for five minutes: 304
     * when the request's {@code If-None-Match} names that version, otherwise {@code body}, built
     * only then.
     */
    public static HttpResponse publicDocument(HttpRequest request, String version, Supplier<Object> body) {
        String etag = "\"" + version + "\"";
        if (request.header("if-none-match")
                .map(String::strip)
                .filter(etag::equals)
                .isPresent()) {
            return notModified(etag);
        }
        return ok(body.get()).withHeader("cache-control", "public, max-age=300").withHeader("etag", etag);
    }

    /** A copy with one more header, replacing any header of the same (lower-case) name. */
    public HttpResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name.toLowerCase(Locale.ROOT), value);
        return new HttpResponse(status, copy, cookies, body);
    }

    /** A copy that also sets a cookie ({@code Set-Cookie}'s value). */
    public HttpResponse withCookie(String setCookie) {
        List<String> copy = new ArrayList<>(cookies);
        copy.add(setCookie);
        return new HttpResponse(status, headers, copy, body);
    }
}

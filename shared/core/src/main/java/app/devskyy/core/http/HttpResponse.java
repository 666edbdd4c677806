package app.devskyy.core.http;

import app.devskyy.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

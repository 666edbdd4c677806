package app.devskyy.core.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The route table of one function: method plus path template ({@code /items/{id}}) to handler.
 * Matching is by segments; a literal segment beats a parameter, so {@code /users/me} wins over
 * {@code /users/{id}} whatever the order of registration.
 */
public final class Router {

    /** One entry of the table, as declared. */
    public record Route(String method, String template, RouteHandler handler) {}

    /** A matched route and the path parameters taken from the request path. */
    public record Match(Route route, Map<String, String> pathParameters) {}

    /** A route with its template split once, at build time. */
    private record Compiled(Route route, String[] segments) {}

    private final List<Route> routes;
    private final List<Compiled> compiled;

    private Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
        this.compiled =
                routes.stream().map(r -> new Compiled(r, split(r.template()))).toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * The route for a request: 404 when no template matches the path, 405 with the allowed
     * methods when templates match but none for this method. HEAD is answered by GET routes.
     */
    public Match match(String method, String path) {
        String[] segments = split(path);
        Match best = null;
        int bestLiterals = -1;
        Set<String> allowed = new LinkedHashSet<>();
        for (Compiled candidate : compiled) {
            Route route = candidate.route();
            Map<String, String> parameters = bind(candidate.segments(), segments);
            if (parameters == null) {
                continue;
            }
            allowed.add(route.method());
            boolean methodMatches = route.method().equals(method)
                    || (method.equals("HEAD") && route.method().equals("GET"));
            int literals = candidate.segments().length - parameters.size();
            if (methodMatches && literals > bestLiterals) {
                best = new Match(route, parameters);
                bestLiterals = literals;
            }
        }
        if (best != null) {
            return best;
        }
        if (allowed.isEmpty()) {
            throw ApiProblem.notFound("No resource lives at this path.");
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        throw ApiProblem.methodNotAllowed(method, new ArrayList<>(allowed));
    }

    private static Map<String, String> bind(String[] template, String[] path) {
        if (template.length != path.length) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                parameters.put(t.substring(1, t.length() - 1), path[i]);
            } else if (!t.equals(path[i])) {
                return null;
            }
        }
        return parameters;
    }

    /** Splits a path into segments, ignoring one trailing slash ("/health/" is "/health"). */
    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        public Builder route(String method, String template, RouteHandler handler) {
            if (!template.startsWith("/")) {
                throw new IllegalArgumentException("a path template starts with /: " + template);
            }
            routes.add(new Route(method.toUpperCase(Locale.ROOT), template, handler));
            return this;
        }

        public Builder get(String template, RouteHandler handler) {
            return route("GET", template, handler);
        }

        public Builder post(String template, RouteHandler handler) {
            return route("POST", template, handler);
        }

        public Builder put(String template, RouteHandler handler) {
            return route("PUT", template, handler);
        }

        public Builder patch(String template, RouteHandler handler) {
            return route("PATCH", template, handler);
        }

        public Builder delete(String template, RouteHandler handler) {
            return route("DELETE", template, handler);
        }

        public Router build() {
            return new Router(routes);
        }
    }
}

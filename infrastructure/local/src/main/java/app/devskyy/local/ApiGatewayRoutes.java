package app.devskyy.local;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the route API Gateway would pick for a request: the route with the most literal segments
 * wins, a {@code {param}} beats a greedy {@code {proxy+}}, and a method-specific route beats
 * {@code ANY}.
 */
final class ApiGatewayRoutes {

    /** A chosen route and the path parameters API Gateway would pass. */
    record Selected(SamTemplate.HttpRoute route, Map<String, String> pathParameters) {}

    private final List<SamTemplate.HttpRoute> routes;

    ApiGatewayRoutes(List<SamTemplate.HttpRoute> routes) {
        this.routes = routes.stream()
                .sorted(Comparator.comparingInt(ApiGatewayRoutes::rank).reversed())
                .toList();
    }

    Optional<Selected> select(String method, String path) {
        for (SamTemplate.HttpRoute route : routes) {
            if (!route.method().equals("ANY") && !route.method().equals(method)) {
                continue;
            }
            Map<String, String> parameters = bind(route.path(), path);
            if (parameters != null) {
                return Optional.of(new Selected(route, parameters));
            }
        }
        return Optional.empty();
    }

    /** Higher is more specific: literals count most, then parameters, then a specific method. */
    private static int rank(SamTemplate.HttpRoute route) {
        int score = 0;
        for (String segment : segments(route.path())) {
            score += segment.endsWith("+}") ? 0 : segment.startsWith("{") ? 100 : 10_000;
        }
        return score * 2 + (route.method().equals("ANY") ? 0 : 1);
    }

    private static Map<String, String> bind(String template, String path) {
        String[] expected = segments(template);
        String[] actual = segments(path);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < expected.length; i++) {
            String segment = expected[i];
            if (segment.endsWith("+}")) {
                if (i >= actual.length) {
                    return null;
                }
                parameters.put(
                        segment.substring(1, segment.length() - 2),
                        String.join("/", List.of(actual).subList(i, actual.length)));
                return parameters;
            }
            if (i >= actual.length) {
                return null;
            }
            if (segment.startsWith("{")) {
                parameters.put(segment.substring(1, segment.length() - 1), actual[i]);
            } else if (!segment.equals(actual[i])) {
                return null;
            }
        }
        return expected.length == actual.length ? parameters : null;
    }

    private static String[] segments(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }
}

package app.devskyy.core.http;

/** Answers one route. Throws {@link ApiProblem} for any answer that is an error. */
@FunctionalInterface
public interface RouteHandler {
    HttpResponse handle(HttpRequest request);
}

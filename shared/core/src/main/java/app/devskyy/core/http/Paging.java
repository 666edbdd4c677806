package app.devskyy.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The one way lists are paged: {@code ?limit=} (1 to 100, 20 when absent) and {@code ?cursor=},
 * answered with the page's items and {@code nextCursor} ({@code null} on the last page). A cursor is
 * opaque to callers: the sort key of the page's last item, base64url; a cursor this API did not
 * issue is a 400.
 */
public final class Paging {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private Paging() {}

    public static int limit(HttpRequest request) {
        String value = request.query("limit").orElse(Integer.toString(DEFAULT_LIMIT));
        if (!value.matches("\\d{1,3}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_LIMIT) {
            throw ApiProblem.badRequest("The query parameter limit takes a number from 1 to " + MAX_LIMIT + ".");
        }
        return Integer.parseInt(value);
    }

    /** The sort key the request's cursor stands for, when it has one. */
    public static Optional<String> after(HttpRequest request) {
        return request.query("cursor").map(Paging::decode);
    }

    /** The {@code nextCursor} of a page whose last item has this sort key; {@code null} for the last page. */
    public static String nextCursor(String lastSortKey) {
        return lastSortKey == null
                ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(lastSortKey.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            String sortKey = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!sortKey.matches("[\\x21-\\x7E]{1,512}")) {
                throw new IllegalArgumentException();
            }
            return sortKey;
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("The cursor is not one this API issued.");
        }
    }
}

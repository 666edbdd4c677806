package app.devskyy.core.http;

/**
 * One violated constraint of a request body, as listed in a problem's {@code errors[]}.
 *
 * @param pointer JSON Pointer (RFC 6901) to the offending value, "" for the whole document
 * @param detail  what is wrong, in words meant for the API caller
 */
public record FieldError(String pointer, String detail) {}

package app.devskyy.core.http;

/**
 * One violated constraint of a request body, as listed in a problem's {@code errors[]}.
 *
 * @param pointer JSON Pointer (RFC 6901) to the offending value, "" for the whole document
 * @param code    what kind of violation, stable for programs to branch on: {@code required},
 *                {@code unknown-field}, {@code wrong-type}, {@code too-short}, {@code too-long},
 *                {@code too-small}, {@code too-large}, {@code not-allowed}, {@code invalid-format},
 *                {@code too-few-items}, {@code too-many-items}, {@code invalid-combination},
 *                {@code out-of-range}, {@code unreadable}, or a route's own ({@code weak-password},
 *                {@code invalid-code}); {@code invalid} for anything else
 * @param detail  what is wrong and what is allowed, in words meant for the person reading it
 */
public record FieldError(String pointer, String code, String detail) {}

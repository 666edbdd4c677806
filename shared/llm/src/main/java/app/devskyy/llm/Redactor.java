package app.devskyy.llm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks what must not reach a log when a deployment opts into logging prompts and completions:
 * email addresses, phone numbers, payment card numbers (Luhn-checked, so order numbers survive)
 * and credentials of the usual shapes (provider keys, our API keys, AWS key ids, JWTs, bearer
 * tokens).
 */
public final class Redactor {

    private static final Pattern KEY = Pattern.compile(
            "\\b(sk-(ant-)?[A-Za-z0-9_-]{16,}|dsk_[A-Za-z0-9_-]{20,}|gsk_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|"
                    + "AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|"
                    + "eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,})|(?i:bearer\\s+)[A-Za-z0-9._~+/-]{16,}=*");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern CARD = Pattern.compile("\\b\\d(?:[ -]?\\d){12,18}\\b");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w])\\+?\\d[\\d ().-]{7,}\\d(?![\\w])");

    private Redactor() {}

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = KEY.matcher(text).replaceAll("[KEY]");
        out = EMAIL.matcher(out).replaceAll("[EMAIL]");
        Matcher cards = CARD.matcher(out);
        StringBuilder masked = new StringBuilder();
        while (cards.find()) {
            cards.appendReplacement(
                    masked,
                    luhn(cards.group().replaceAll("[ -]", "")) ? "[CARD]" : Matcher.quoteReplacement(cards.group()));
        }
        cards.appendTail(masked);
        return PHONE.matcher(masked.toString()).replaceAll("[PHONE]");
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}

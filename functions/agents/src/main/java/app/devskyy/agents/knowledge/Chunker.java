package app.devskyy.agents.knowledge;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a document into overlapping passages of at most {@code size} characters. A cut falls at the
 * strongest boundary in the second half of the window: a Markdown heading, a blank line, a line
 * end, a sentence end, a space (and, in a text with none, anywhere). Each passage after the first
 * repeats about {@code overlap} characters of the one before, from a word start, so a sentence cut
 * in two is whole in one of them. The same text always gives the same passages.
 */
final class Chunker {

    record Passage(int ordinal, int start, String text) {}

    private static final List<String> BOUNDARIES = List.of("\n#", "\n\n", "\n", ". ", "? ", "! ", "; ", " ");

    private final int size;
    private final int overlap;

    Chunker(int size, int overlap) {
        if (overlap * 2 > size) {
            throw new IllegalArgumentException("the overlap must be at most half the passage size");
        }
        this.size = size;
        this.overlap = overlap;
    }

    List<Passage> passages(String text) {
        List<Passage> passages = new ArrayList<>();
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = Math.min(length, start + size);
            if (end < length) {
                end = cut(text, start, end);
            }
            String passage = text.substring(start, end).strip();
            if (!passage.isEmpty()) {
                passages.add(new Passage(passages.size(), start, passage));
            }
            if (end >= length) {
                break;
            }
            start = Math.max(nextWord(text, end - overlap, end), start + 1);
        }
        return passages;
    }

    /** The end of a passage from {@code start}: after the strongest boundary in the window's second half. */
    private int cut(String text, int start, int end) {
        int floor = start + size / 2;
        for (String boundary : BOUNDARIES) {
            int at = text.lastIndexOf(boundary, end - boundary.length());
            if (at >= floor) {
                // A heading starts the next passage; other boundaries end this one.
                return boundary.equals("\n#") ? at + 1 : at + boundary.length();
            }
        }
        return end;
    }

    /** The first word start at or after {@code from}, or {@code from} when the text has none before {@code limit}. */
    private static int nextWord(String text, int from, int limit) {
        for (int i = Math.max(from, 1); i < limit; i++) {
            if (Character.isWhitespace(text.charAt(i - 1)) && !Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return from;
    }
}

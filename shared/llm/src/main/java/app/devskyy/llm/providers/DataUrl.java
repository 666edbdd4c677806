package app.devskyy.llm.providers;

/** A {@code data:<media type>;base64,<data>} URL, the form in which callers send inline images. */
record DataUrl(String mediaType, String base64) {

    /** The parts of a base64 data URL; {@code null} for anything else (an https URL). */
    static DataUrl parse(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int marker = url.indexOf(";base64,");
        if (marker < 0) {
            return null;
        }
        return new DataUrl(url.substring(5, marker), url.substring(marker + 8));
    }
}

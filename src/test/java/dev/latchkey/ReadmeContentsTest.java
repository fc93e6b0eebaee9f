package dev.latchkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The README's table of contents lists every section and sub-section in order, and each link names its heading's anchor
 * (GitHub's rule: lower case, punctuation but {@code -} and {@code _} dropped, spaces to {@code -}); code comments cite
 * README sections by name, so a section that moves or is renamed shows here first.
 */
class ReadmeContentsTest {

    private static final Pattern HEADING = Pattern.compile("^(##|###) (.+)$");
    private static final Pattern ENTRY = Pattern.compile("^( *)- \\[(.+)]\\(#([^)]+)\\)$");

    @Test
    void theContentsListEverySectionWithItsAnchor() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf("<!-- contents -->");
        int end = lines.indexOf("<!-- /contents -->");
        assertTrue(start > 0 && end > start, "README has a contents block");
        List<String> expected = new ArrayList<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            Matcher m = HEADING.matcher(line);
            if (!fenced && (i < start || i > end) && m.matches()) {
                expected.add((m.group(1).length() == 3 ? "  " : "") + m.group(2) + " #" + anchor(m.group(2)));
            }
        }
        List<String> listed = new ArrayList<>();
        for (String line : lines.subList(start + 1, end)) {
            Matcher m = ENTRY.matcher(line);
            if (m.matches()) {
                listed.add(m.group(1) + m.group(2) + " #" + m.group(3));
            }
        }
        assertEquals(expected, listed);
    }

    static String anchor(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
    }
}

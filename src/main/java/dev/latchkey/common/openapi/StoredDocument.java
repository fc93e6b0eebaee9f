package dev.latchkey.common.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.quarkus.smallrye.openapi.runtime.OpenApiConstants;
import io.smallrye.openapi.runtime.io.Format;

/**
 * The OpenAPI document as Quarkus wrote it at build time ({@code META-INF/quarkus-generated-openapi-doc.JSON} and
 * {@code .YAML}: every operation scanned, {@code ProblemResponses} and {@code ElasticResponses} applied), read once.
 * The native executable initialises this class while it is built ({@code --initialize-at-build-time} in
 * {@code application.properties}), so the two documents are part of its image heap and the resources themselves stay
 * out of it; on the JVM they are read at the first {@code /q/openapi}. Nothing here is secret or random.
 */
final class StoredDocument {

    static final byte[] JSON = read(Format.JSON);
    static final byte[] YAML = read(Format.YAML);

    private StoredDocument() {
    }

    static byte[] of(Format format) {
        return format == Format.JSON ? JSON : YAML;
    }

    private static byte[] read(Format format) {
        String name = OpenApiConstants.BASE_NAME + "." + format.name(); // as the extension names its default document
        try (InputStream in = StoredDocument.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path: the OpenAPI document was not built");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(name, e);
        }
    }
}

package dev.latchkey.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.latchkey.support.Http;
import dev.latchkey.support.Tokens;

/**
 * Imports keys for the benchmark through the API: {@code URL ORG COUNT FILE} creates the organization (owner
 * {@code bench-owner}) and imports COUNT App Search-style values ({@code search-} + 24 characters) in batches of 1,000,
 * writes them to FILE (one per line) and prints the import rate in keys per second.
 */
public final class ImportLoad {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private ImportLoad() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String org = args[1];
        int count = Integer.parseInt(args[2]);
        Path file = Path.of(args[3]);
        String token = Tokens.user(OrgChurn.OWNER);
        Http.expect("POST", url + "/api/v1/orgs", Tokens.platformAdmin("root"),
                Map.of("slug", org, "name", "Imports", "owner", OrgChurn.OWNER), 201, 409);
        SecureRandom random = new SecureRandom();
        long nanos = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (int start = 0; start < count; start += 1000) {
                List<Map<String, Object>> batch = new ArrayList<>();
                for (int i = start; i < Math.min(count, start + 1000); i++) {
                    StringBuilder v = new StringBuilder("search-");
                    for (int c = 0; c < 24; c++) {
                        v.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    }
                    batch.add(Map.of("value", v.toString(), "kind", "service", "name", "imported-" + i, "permissions",
                            List.of("search"), "scope", Map.of("type", "organization", "allWorkspaces", true)));
                    out.write(v.toString());
                    out.newLine();
                }
                long t0 = System.nanoTime();
                Http.expect("POST", url + "/api/v1/orgs/" + org + "/keys/import", token,
                        Map.of("keys", batch, "origin", Map.of("system", "app-search")), 200);
                nanos += System.nanoTime() - t0;
            }
        }
        System.out.printf("%.0f%n", count / (nanos / 1e9));
    }
}

package dev.latchkey.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

import dev.latchkey.apikey.format.KeyFormat;
import dev.latchkey.apikey.format.KeyPrefix;

/**
 * Benchmark data: writes service keys straight into the schema, exactly as the API stores them (SHA-256 of the secret,
 * masked suffix), because a million keys through the API would take too long. Prints the full keys to a file for the
 * load generator. Also writes well-formed unknown keys.
 *
 * usage: Seed JDBC_URL COUNT KEYS_FILE [UNKNOWN_FILE]; {@code -Dorg=SLUG} (default bench, created if missing) and
 * {@code -Drole=NAME} (default viewer) choose where the keys go and the role they carry.
 */
public final class Seed {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        Path keysFile = Path.of(args[2]);
        SecureRandom random = new SecureRandom();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Connection c = DriverManager
                .getConnection(url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true", "postgres", "")) {
            c.setAutoCommit(false);
            String slug = System.getProperty("org", "bench");
            String role = System.getProperty("role", "viewer");
            long org = idOf(c, "insert into organizations (slug, name, created_at) values ('" + slug
                    + "', 'Bench', now()) " + "on conflict (slug) do update set name = excluded.name returning id");
            try (Statement s = c.createStatement()) {
                s.execute("insert into workspaces (organization_id, slug, name, created_at, updated_at) select " + org
                        + ", 'bench', 'Bench', now(), now() where not exists (select 1 from workspaces where slug = 'bench'"
                        + " and organization_id = " + org + ")");
            }
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement ins = c.prepareStatement(
                    """
                            insert into api_keys (key_id, organization_id, kind, prefix, origin, name, secret_hash, key_suffix, role,
                              scope_type, all_workspaces, created_by_type, created_by_id, created_by_name, created_at, updated_at,
                              enabled) values (?, ?, 'service', 'lks', 'native', ?, ?, ?, ?, 'organization', true, 'user',
                              'bench', 'bench', ?, ?, true)""");
                    BufferedWriter out = Files.newBufferedWriter(keysFile, StandardCharsets.US_ASCII)) {
                for (int i = 0; i < count; i++) {
                    String keyId = random(random, KeyFormat.KEY_ID_LENGTH);
                    String secret = random(random, KeyFormat.SECRET_LENGTH);
                    String key = KeyFormat.format(KeyPrefix.SERVICE, keyId, secret);
                    ins.setString(1, keyId);
                    ins.setLong(2, org);
                    ins.setString(3, keyId);
                    ins.setBytes(4, sha.digest(secret.getBytes(StandardCharsets.US_ASCII)));
                    ins.setString(5, key.substring(key.length() - 4));
                    ins.setString(6, role);
                    ins.setTimestamp(7, now);
                    ins.setTimestamp(8, now);
                    ins.addBatch();
                    out.write(key);
                    out.newLine();
                    if (i % 5_000 == 4_999) {
                        ins.executeBatch();
                        c.commit();
                    }
                }
                ins.executeBatch();
                c.commit();
            }
        }
        if (args.length > 3) {
            try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.US_ASCII)) {
                for (int i = 0; i < 10_000; i++) {
                    out.write(KeyFormat.format(KeyPrefix.SERVICE, random(random, 16), random(random, 43)));
                    out.newLine();
                }
            }
        }
    }

    private static long idOf(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String random(SecureRandom r, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(r.nextInt(62)));
        }
        return b.toString();
    }
}

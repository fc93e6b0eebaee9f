package dev.latchkey.webhook;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.db.Db;

/** The organizations' webhook endpoints (table webhook_endpoints). */
@Singleton
public class Endpoints {

    /** One endpoint row; the secrets are sealed ({@link SigningSecrets}). */
    public record Endpoint(long id, String publicId, long organizationId, String url, String description,
            List<String> events, boolean enabled, byte[] secret, byte[] previousSecret, Instant previousSecretUntil,
            Instant failingSince, Instant createdAt, Instant updatedAt) {
    }

    static final String COLUMNS = "id, public_id, organization_id, url, description, events, enabled, secret,"
            + " previous_secret, previous_secret_until, failing_since, created_at, updated_at";
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789";

    private final Db db;
    private final SecureRandom random = new SecureRandom();

    public Endpoints(Db db) {
        this.db = db;
    }

    /** An endpoint from a row with its columns (any query that selects them). */
    public static Endpoint read(ResultSet rs) throws SQLException {
        return new Endpoint(rs.getLong("id"), rs.getString("public_id"), rs.getLong("organization_id"),
                rs.getString("url"), rs.getString("description"), Arrays.asList(Db.strings(rs, "events")),
                rs.getBoolean("enabled"), rs.getBytes("secret"), rs.getBytes("previous_secret"),
                Db.instant(rs, "previous_secret_until"), Db.instant(rs, "failing_since"), Db.instant(rs, "created_at"),
                Db.instant(rs, "updated_at"));
    }

    /** A new public id, {@code wh_} and 20 random characters. */
    String newPublicId() {
        StringBuilder b = new StringBuilder("wh_");
        for (int i = 0; i < 20; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    long insert(Endpoint e) {
        return db.insert(
                "insert into webhook_endpoints (public_id, organization_id, url, description, events,"
                        + " enabled, secret, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.publicId(), e.organizationId(), e.url(), e.description(), e.events().toArray(String[]::new),
                e.enabled(), e.secret(), e.createdAt(), e.updatedAt());
    }

    void update(Endpoint e) {
        db.update("update webhook_endpoints set url = ?, description = ?, events = ?, enabled = ?, secret = ?,"
                + " previous_secret = ?, previous_secret_until = ?, failing_since = ?, updated_at = ? where id = ?",
                e.url(), e.description(), e.events().toArray(String[]::new), e.enabled(), e.secret(),
                e.previousSecret(), e.previousSecretUntil(), e.failingSince(), e.updatedAt(), e.id());
    }

    void delete(long id) {
        db.update("delete from webhook_endpoints where id = ?", id);
    }

    /** The endpoint of the organization with this public id, locked for the rest of the transaction. */
    Optional<Endpoint> findForUpdate(long orgId, String publicId) {
        return db.list("select " + COLUMNS + " from webhook_endpoints where organization_id = ? and public_id = ?"
                + " for update", Endpoints::read, orgId, publicId).stream().findFirst();
    }

    Optional<Endpoint> find(long orgId, String publicId) {
        return db.first("select " + COLUMNS + " from webhook_endpoints where organization_id = ? and public_id = ?",
                Endpoints::read, orgId, publicId);
    }

    Page<Endpoint> page(long orgId, String limit, String cursor) {
        return Keyset.byId(db, "select " + COLUMNS + " from webhook_endpoints where organization_id = ?",
                Keyset.params(orgId), Endpoints::read, limit, cursor, Endpoint::id, Keyset.Order.OLDEST_FIRST);
    }

    long count(long orgId) {
        return db.count("select count(*) from webhook_endpoints where organization_id = ?", orgId);
    }

    /** The enabled endpoints of the organization that want {@code type}. */
    public List<Long> subscribed(long orgId, String type) {
        return db.list("select id from webhook_endpoints where organization_id = ? and enabled and ? = any(events)",
                rs -> rs.getLong(1), orgId, type);
    }
}

package dev.latchkey.apikey;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.common.Keyset;
import dev.latchkey.common.Page;
import dev.latchkey.common.db.Db;
import dev.latchkey.error.ApiException;

/**
 * The {@code api_keys} table with each key's workspaces ({@code api_key_workspaces}) and last use
 * ({@code key_last_used}).
 * <p>
 * Concurrent writers of one key: {@link #update} writes the row only if its version is still the one this request read,
 * and bumps it. PostgreSQL's row lock makes a second writer wait for the first to commit and then re-check the
 * condition against the new version, which no longer matches: exactly one of them changes the key, the other gets 409
 * and changes nothing (its transaction rolls back with its audit record and change-feed row).
 */
@ApplicationScoped
public class ApiKeys {

    /** A key's columns; the where clause that follows may name the key's columns unqualified. */
    static final String SELECT = "select id, key_id, organization_id, kind, prefix, origin, name, secret_hash,"
            + " previous_secret_hash, previous_secret_expires_at, key_suffix, role, permissions, scope_type,"
            + " all_workspaces, owner_subject, created_by_type, created_by_id, created_by_name, created_at, updated_at,"
            + " expires_at, revoked_at, deleted_at, enabled, meta, rate_limit, rate_limit_window_seconds,"
            + " ip_allowlist, routes, quota_generation, quota_refill_amount, quota_refill_interval, version,"
            + " import_system, imported_at, import_prefix, imported_secret,"
            + " array(select w.workspace_id from api_key_workspaces w where w.api_key_id = k.id) as workspace_ids,"
            + " (select u.at from key_last_used u where u.api_key_id = k.id) as last_used_at from api_keys k";

    /** Keys whose scope names a workspace (bound as the next parameter). */
    static final String IN_WORKSPACE = "exists (select 1 from api_key_workspaces w where w.api_key_id = k.id"
            + " and w.workspace_id = ?)";

    private final Db db;

    ApiKeys(Db db) {
        this.db = db;
    }

    /** The key with this public id, deleted or not. */
    public Optional<ApiKey> findByKeyId(String keyId) {
        return db.first(SELECT + " where key_id = ?", this::read, keyId);
    }

    /** The import prefixes in use (README, "Importing keys"). */
    List<String> importPrefixes() {
        return db.list("select distinct import_prefix from api_keys where imported_secret is not null",
                rs -> rs.getString(1));
    }

    /** The key whose imported value, under {@code prefix}, has the stored hash {@code hash}: current or previous. */
    Optional<ApiKey> findImported(String prefix, byte[] hash) {
        return db.first(
                SELECT + " where import_prefix = ? and ((secret_hash = ? and imported_secret = 'current')"
                        + " or (previous_secret_hash = ? and imported_secret = 'previous'))",
                this::read, prefix, hash, hash);
    }

    /** Keys matching {@code where} (SQL over the key's columns, positional {@code params}), oldest first. */
    List<ApiKey> list(String where, Object... params) {
        return db.list(SELECT + " where " + where + " order by id", this::read, params);
    }

    /** One page of the keys matching {@code where}, oldest first. */
    Page<ApiKey> page(String where, List<Object> params, String limit, String cursor) {
        return Keyset.byId(db, SELECT + " where " + where, params, this::read, limit, cursor, k -> k.id,
                Keyset.Order.OLDEST_FIRST);
    }

    /** Page {@code page} (from 0) of {@code size} keys matching {@code where}, oldest first. */
    List<ApiKey> numberedPage(String where, int page, int size, Object... params) {
        return db.list(SELECT + " where " + where + " order by id limit " + size + " offset " + (long) page * size,
                this::read, params);
    }

    /** How many keys match {@code where}. */
    long count(String where, Object... params) {
        return db.count("select count(*) from api_keys k where " + where, params);
    }

    /** Stores a new key with its workspaces and sets its id. */
    void insert(ApiKey k) {
        k.id = db.insert("insert into api_keys (key_id, organization_id, kind, prefix, origin, name, secret_hash,"
                + " previous_secret_hash, previous_secret_expires_at, key_suffix, role, permissions, scope_type,"
                + " all_workspaces, owner_subject, created_by_type, created_by_id, created_by_name, created_at,"
                + " updated_at, expires_at, revoked_at, deleted_at, enabled, meta, rate_limit,"
                + " rate_limit_window_seconds, ip_allowlist, routes, quota_generation, quota_refill_amount,"
                + " quota_refill_interval, version, import_system, imported_at, import_prefix, imported_secret)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?)", k.keyId, k.organizationId, k.kind, k.prefix, k.origin, k.name, k.secretHash,
                k.previousSecretHash, k.previousSecretExpiresAt, k.keySuffix, k.role, k.permissions, k.scopeType,
                k.allWorkspaces, k.ownerSubject, k.createdByType, k.createdById, k.createdByName, k.createdAt,
                k.updatedAt, k.expiresAt, k.revokedAt, k.deletedAt, k.enabled, Db.json(k.meta), k.rateLimit,
                k.rateLimitWindowSeconds, k.ipAllowlist, k.routes, k.quotaGeneration, k.quotaRefillAmount,
                k.quotaRefillInterval, k.version, k.importSystem, k.importedAt, k.importPrefix, k.importedSecret);
        insertWorkspaces(k);
    }

    /**
     * Writes a key's changeable columns if nobody changed it since it was read (else 409), and its workspaces when
     * {@code workspacesChanged}. The kind, owner, creator and expiry never change (README, "Concepts and the security
     * model"), so they are not written.
     */
    void update(ApiKey k, boolean workspacesChanged) {
        int rows = db.update("update api_keys set name = ?, secret_hash = ?, previous_secret_hash = ?,"
                + " previous_secret_expires_at = ?, key_suffix = ?, role = ?, permissions = ?, scope_type = ?,"
                + " all_workspaces = ?, updated_at = ?, revoked_at = ?, deleted_at = ?, enabled = ?, meta = ?,"
                + " rate_limit = ?, rate_limit_window_seconds = ?, ip_allowlist = ?, routes = ?, quota_generation = ?,"
                + " quota_refill_amount = ?, quota_refill_interval = ?, imported_secret = ?,"
                + " version = version + 1 where id = ? and version = ?", k.name, k.secretHash, k.previousSecretHash,
                k.previousSecretExpiresAt, k.keySuffix, k.role, k.permissions, k.scopeType, k.allWorkspaces,
                k.updatedAt, k.revokedAt, k.deletedAt, k.enabled, Db.json(k.meta), k.rateLimit,
                k.rateLimitWindowSeconds, k.ipAllowlist, k.routes, k.quotaGeneration, k.quotaRefillAmount,
                k.quotaRefillInterval, k.importedSecret, k.id, k.version);
        if (rows == 0) {
            throw ApiException.concurrentChange();
        }
        k.version++;
        if (workspacesChanged) {
            db.update("delete from api_key_workspaces where api_key_id = ?", k.id);
            insertWorkspaces(k);
        }
    }

    private void insertWorkspaces(ApiKey k) {
        List<Object[]> rows = new ArrayList<>();
        for (Long ws : k.workspaceIds) {
            rows.add(new Object[] { k.id, ws });
        }
        db.batch("insert into api_key_workspaces (api_key_id, workspace_id) values (?, ?)", rows);
    }

    private ApiKey read(ResultSet rs) throws SQLException {
        ApiKey k = new ApiKey();
        k.id = rs.getLong("id");
        k.keyId = rs.getString("key_id");
        k.organizationId = rs.getLong("organization_id");
        k.kind = rs.getString("kind");
        k.prefix = rs.getString("prefix");
        k.origin = rs.getString("origin");
        k.name = rs.getString("name");
        k.secretHash = rs.getBytes("secret_hash");
        k.previousSecretHash = rs.getBytes("previous_secret_hash");
        k.previousSecretExpiresAt = Db.instant(rs, "previous_secret_expires_at");
        k.keySuffix = rs.getString("key_suffix");
        k.role = rs.getString("role");
        k.permissions = Db.strings(rs, "permissions");
        k.scopeType = rs.getString("scope_type");
        k.allWorkspaces = rs.getBoolean("all_workspaces");
        k.workspaceIds.addAll(Arrays.asList(Db.longs(rs, "workspace_ids")));
        k.ownerSubject = rs.getString("owner_subject");
        k.createdByType = rs.getString("created_by_type");
        k.createdById = rs.getString("created_by_id");
        k.createdByName = rs.getString("created_by_name");
        k.createdAt = Db.instant(rs, "created_at");
        k.updatedAt = Db.instant(rs, "updated_at");
        k.expiresAt = Db.instant(rs, "expires_at");
        k.revokedAt = Db.instant(rs, "revoked_at");
        k.deletedAt = Db.instant(rs, "deleted_at");
        k.enabled = rs.getBoolean("enabled");
        k.lastUsedAt = Db.instant(rs, "last_used_at");
        k.meta = db.map(rs, "meta");
        k.rateLimit = Db.integer(rs, "rate_limit");
        k.rateLimitWindowSeconds = Db.integer(rs, "rate_limit_window_seconds");
        k.ipAllowlist = Db.strings(rs, "ip_allowlist");
        k.routes = Db.strings(rs, "routes");
        k.quotaGeneration = Db.integer(rs, "quota_generation");
        k.quotaRefillAmount = Db.bigint(rs, "quota_refill_amount");
        k.quotaRefillInterval = rs.getString("quota_refill_interval");
        k.version = rs.getInt("version");
        k.importSystem = rs.getString("import_system");
        k.importedAt = Db.instant(rs, "imported_at");
        k.importPrefix = rs.getString("import_prefix");
        k.importedSecret = rs.getString("imported_secret");
        return k;
    }
}

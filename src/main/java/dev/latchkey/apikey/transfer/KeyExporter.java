package dev.latchkey.apikey.transfer;

import java.io.IOException;
import java.io.OutputStream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.apikey.KeyDtos.KeyView;
import dev.latchkey.apikey.KeyQueries;
import dev.latchkey.common.Page;
import dev.latchkey.error.ApiException;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;

/**
 * Exports an organization's keys as JSON Lines, for leaving (README, "Exporting keys"): one key object per line as the
 * API shows it — metadata only, never a value or a hash — every key that is not deleted, oldest first. Read page by
 * page (each a consistent read), so a key created or changed during the export may or may not be in it.
 */
@ApplicationScoped
public class KeyExporter {

    static final String PAGE = "200";

    private final OrgAccess access;
    private final KeyQueries queries;
    private final ObjectMapper json;

    KeyExporter(OrgAccess access, KeyQueries queries, ObjectMapper json) {
        this.access = access;
        this.queries = queries;
        this.json = json;
    }

    /** The first page, read before anything is sent: who may export is decided here (owners, admins, admin keys). */
    public Page<KeyView> first(String orgSlug) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireKeyAccess();
        if (!ctx.managesAllKeys()) {
            throw ApiException.forbidden("Only owners, admins and admin keys of the organization may export its keys");
        }
        return queries.list(orgSlug, null, null, null, PAGE, null);
    }

    /** Writes {@code first} and every page after it, a key per line. */
    public void write(String orgSlug, Page<KeyView> first, OutputStream out) throws IOException {
        Page<KeyView> page = first;
        while (true) {
            for (KeyView k : page.items()) {
                out.write(json.writeValueAsBytes(k));
                out.write('\n');
            }
            if (page.nextCursor() == null) {
                break;
            }
            out.flush();
            page = queries.list(orgSlug, null, null, null, PAGE, page.nextCursor());
        }
        out.flush();
    }

}

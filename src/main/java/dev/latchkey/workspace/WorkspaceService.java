package dev.latchkey.workspace;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.common.Page;
import dev.latchkey.common.json.Bodies;
import dev.latchkey.error.ApiException;
import dev.latchkey.security.OrgAccess;
import dev.latchkey.security.OrgContext;
import dev.latchkey.workspace.WorkspaceDtos.CreateWorkspace;
import dev.latchkey.workspace.WorkspaceDtos.UpdateWorkspace;
import dev.latchkey.workspace.WorkspaceDtos.WorkspaceView;

/** Workspaces: members read them, owners and admins change them. */
@ApplicationScoped
@Transactional
public class WorkspaceService {

    private final OrgAccess access;
    private final AuditLog audit;
    private final Clock clock;
    private final Event<WorkspaceDeleted> deleted;
    private final Event<WorkspaceCreated> created;
    private final Bodies bodies;
    private final Workspaces workspaces;

    public WorkspaceService(OrgAccess access, AuditLog audit, Clock clock, Event<WorkspaceDeleted> deleted,
            Event<WorkspaceCreated> created, Bodies bodies, Workspaces workspaces) {
        this.workspaces = workspaces;
        this.bodies = bodies;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.deleted = deleted;
        this.created = created;
    }

    /** One page of the organization's workspaces, oldest first. */
    public Page<WorkspaceView> list(String orgSlug, String limit, String cursor) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireMember();
        return workspaces.pageLive(ctx.orgId(), limit, cursor).map(WorkspaceView::from);
    }

    /** Creates a workspace. */
    public WorkspaceView create(String orgSlug, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        CreateWorkspace request = bodies.read(body, CreateWorkspace.class);
        if (workspaces.findLive(ctx.orgId(), request.slug()).isPresent()) {
            throw ApiException.conflict("A workspace with slug '" + request.slug() + "' already exists");
        }
        Instant now = clock.instant();
        Workspace w = new Workspace();
        w.organizationId = ctx.orgId();
        w.slug = request.slug();
        w.name = request.name().strip();
        w.createdAt = now;
        w.updatedAt = now;
        workspaces.insert(w);
        audit.record(ctx.orgId(), "workspace.created", "workspace", w.slug, w.name, null);
        created.fire(new WorkspaceCreated(ctx.orgId(), w.id, w.slug));
        return WorkspaceView.from(w);
    }

    /** Reads a workspace. */
    public WorkspaceView get(String orgSlug, String slug) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireMember();
        return WorkspaceView.from(find(ctx, slug));
    }

    /** Renames a workspace. */
    public WorkspaceView update(String orgSlug, String slug, JsonNode body) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        Workspace w = find(ctx, slug);
        UpdateWorkspace request = bodies.read(body, UpdateWorkspace.class);
        if (request.name() != null && !request.name().strip().equals(w.name)) {
            String before = w.name;
            w.name = request.name().strip();
            w.updatedAt = clock.instant();
            workspaces.update(w);
            audit.record(ctx.orgId(), "workspace.updated", "workspace", w.slug, w.name,
                    Map.of("name", Map.of("from", before, "to", w.name)));
        }
        return WorkspaceView.from(w);
    }

    /** Deletes a workspace: keys scoped to it alone are revoked, other keys and members lose it. */
    public void delete(String orgSlug, String slug) {
        OrgContext ctx = access.resolve(orgSlug);
        ctx.requireManager();
        Workspace w = find(ctx, slug);
        w.deletedAt = clock.instant();
        w.updatedAt = w.deletedAt;
        workspaces.update(w);
        audit.record(ctx.orgId(), "workspace.deleted", "workspace", w.slug, w.name, null);
        deleted.fire(new WorkspaceDeleted(ctx.orgId(), w.id, w.slug));
    }

    private Workspace find(OrgContext ctx, String slug) {
        return workspaces.findLive(ctx.orgId(), slug).orElseThrow(() -> ApiException.notFound("Workspace"));
    }
}

package dev.latchkey.bench;

import java.util.List;
import java.util.Map;

import dev.latchkey.support.Http;
import dev.latchkey.support.Tokens;

/**
 * Organization-wide changes for the benchmark: {@code setup URL ORG ROLE} creates the organization (owner
 * {@code bench-owner}) with a custom role; {@code churn URL ORG ROLE SECONDS} then changes that role's permissions and
 * a member, alternately, every 100 ms for that long, so that another organization's latency can be measured meanwhile.
 */
public final class OrgChurn {

    static final String OWNER = "bench-owner";

    private OrgChurn() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[1];
        String org = args[2];
        String role = args[3];
        String token = Tokens.user(OWNER);
        String base = url + "/api/v1/orgs/" + org;
        if (args[0].equals("setup")) {
            Http.expect("POST", url + "/api/v1/orgs", Tokens.platformAdmin("root"),
                    Map.of("slug", org, "name", "Churn", "owner", OWNER), 201, 409);
            Http.expect("POST", base + "/roles", token, Map.of("name", role, "permissions", List.of("read", "write")),
                    201, 409);
            return;
        }
        long until = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        int changes = 0;
        while (System.nanoTime() < until) {
            List<String> perms = changes % 2 == 0 ? List.of("read") : List.of("read", "write");
            Http.expect("PUT", base + "/roles/" + role, token, Map.of("permissions", perms), 200);
            Http.expect("PUT", base + "/members/churner", token,
                    Map.of("orgRole", "member", "role", changes % 2 == 0 ? "viewer" : "editor"), 200, 201);
            changes += 2;
            Thread.sleep(100);
        }
        System.out.println("organization-wide changes made: " + changes);
    }
}

package dev.latchkey.webhook;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.latchkey.common.db.Db;

/**
 * The webhook half of a pepper rotation (README, "Rotating secrets"): signing secrets sealed under an earlier pepper
 * are sealed again under the current one, once a minute, each only if it is still what was read (compare and set), so
 * that the earlier pepper can be dropped without losing them.
 */
@ApplicationScoped
public class SecretReseal {

    private static final Logger LOG = Logger.getLogger(SecretReseal.class);

    private record Sealed(long id, byte[] secret, byte[] previous) {
    }

    private final Db db;
    private final SigningSecrets secrets;

    public SecretReseal(Db db, SigningSecrets secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    @Scheduled(every = "60S", delayed = "10S", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run();
        } catch (RuntimeException e) {
            LOG.debugf("webhook secrets not sealed again yet: %s", e.getMessage());
        }
    }

    /** Seals again what is not under the current pepper; returns how many endpoints changed. */
    public int run() {
        List<Sealed> rows = db.list("select id, secret, previous_secret from webhook_endpoints",
                rs -> new Sealed(rs.getLong(1), rs.getBytes(2), rs.getBytes(3)));
        int n = 0;
        for (Sealed r : rows) {
            boolean secretOld = !secrets.sealedUnderCurrent(r.secret());
            boolean previousOld = r.previous() != null && !secrets.sealedUnderCurrent(r.previous());
            if (!secretOld && !previousOld) {
                continue;
            }
            byte[] secret = secretOld ? secrets.open(r.secret()).map(secrets::seal).orElse(r.secret()) : r.secret();
            byte[] previous = previousOld ? secrets.open(r.previous()).map(secrets::seal).orElse(r.previous())
                    : r.previous();
            String update = "update webhook_endpoints set secret = ?, previous_secret = ? where id = ? and secret = ?";
            n += r.previous() == null
                    ? db.update(update + " and previous_secret is null", secret, previous, r.id(), r.secret())
                    : db.update(update + " and previous_secret = ?", secret, previous, r.id(), r.secret(),
                            r.previous());
        }
        return n;
    }
}

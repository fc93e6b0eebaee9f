package dev.latchkey.tenant;

import java.time.Instant;

/** A tenant (table {@code organizations}). Its slug is its public identifier. */
public class Organization {

    public Long id;
    public String slug;
    public String name;
    public Instant createdAt;

    /** What is done with a key reported as leaked: {@code revoke} (the default), {@code disable} or {@code notify}. */
    public String leakPolicy = "revoke";
}

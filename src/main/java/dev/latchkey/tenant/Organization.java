package dev.latchkey.tenant;

import java.time.Instant;

/** A tenant (table {@code organizations}). Its slug is its public identifier. */
public class Organization {

    public Long id;
    public String slug;
    public String name;
    public Instant createdAt;
}

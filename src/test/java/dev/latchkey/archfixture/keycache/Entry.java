package dev.latchkey.archfixture.keycache;

import dev.latchkey.archfixture.usage.Counter;

/** ArchitectureTest's fixture: a dependency the rules allow (keycache is above usage). */
public class Entry {
    Counter counts;
}

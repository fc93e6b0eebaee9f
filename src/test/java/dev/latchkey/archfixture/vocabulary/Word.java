package dev.latchkey.archfixture.vocabulary;

import dev.latchkey.archfixture.verify.Decider;

/** ArchitectureTest's broken fixture: the bottom layer reaching up (and, with {@link Decider}, a cycle). */
public class Word {
    Decider up;
}
